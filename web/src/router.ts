// Pages by who uses them: the phone app for grid workers, the desk for those who handle
// cases, the board for supervisors. Each page is its own chunk, so a phone never downloads
// the desk's or the board's libraries. Hash history: the offline shell is one index.html.
import { createRouter, createWebHashHistory, type RouteLocationNormalized } from 'vue-router';
import { currentUser } from '@/lib/session';

export function homeFor(role: string | undefined): string {
  switch (role) {
    case 'GRID_WORKER': return '/phone';
    case 'SUPERVISOR':
    case 'ADMIN': return '/board';
    default: return '/desk';
  }
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: () => (currentUser.value ? homeFor(currentUser.value.role) : '/login') },
    { path: '/login', component: () => import('@/pages/LoginPage.vue'), meta: { public: true } },
    { path: '/phone', component: () => import('@/pages/phone/PhoneHome.vue') },
    { path: '/phone/report', component: () => import('@/pages/phone/ReportForm.vue') },
    { path: '/phone/case/:id', component: () => import('@/pages/phone/PhoneCase.vue'), props: true },
    { path: '/desk', component: () => import('@/pages/desk/DeskInbox.vue') },
    { path: '/desk/case/:id', component: () => import('@/pages/desk/DeskCase.vue'), props: true },
    { path: '/board', component: () => import('@/pages/board/BoardPage.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach((to: RouteLocationNormalized) => {
  if (to.meta.public) return true;
  if (!currentUser.value) return { path: '/login', query: { next: to.fullPath } };
  return true;
});
