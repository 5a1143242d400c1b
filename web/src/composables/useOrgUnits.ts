// The organisation units the caller may see (GET /v1/orgUnits), loaded once per sign-in:
// names for ids, the tree for drill-down and for picking a unit to reassign to.
import { computed, ref } from 'vue';
import { api } from '@/api/client';
import type { OrgUnit } from '@/api/types';

const units = ref<OrgUnit[]>([]);
let loading: Promise<void> | null = null;

export function resetOrgUnits() {
  units.value = [];
  loading = null;
}

export function useOrgUnits() {
  if (!loading) {
    loading = api.orgUnits().then((r) => { units.value = r.units; })
      .catch(() => { loading = null; });
  }
  const byId = computed(() => new Map(units.value.map((u) => [u.id, u])));
  const nameOf = (id: string | undefined) => (id ? byId.value.get(id)?.name ?? id : '—');
  const childrenOf = (id: string) => units.value.filter((u) => u.parentId === id);
  // Whether `id` is `ancestor` or lies below it.
  const isWithin = (id: string | undefined, ancestor: string): boolean => {
    for (let cur = id; cur; cur = byId.value.get(cur)?.parentId) if (cur === ancestor) return true;
    return false;
  };
  return { units, byId, nameOf, childrenOf, isWithin, ready: () => loading };
}
