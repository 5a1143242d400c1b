// NotificationsFor: the rule of who hears about what, in one switch.
#include "engine/notification.h"

namespace gridcare::engine {
namespace {

std::string UnitName(const OrgTree& tree, const std::string& id) {
  const OrgUnit* u = tree.Find(id);
  return u ? u->name : id;
}

}  // namespace

std::vector<Notification> NotificationsFor(const Case& after, const std::vector<CaseEvent>& events,
                                           const OrgTree& tree) {
  std::vector<Notification> out;
  auto tell = [&](const CaseEvent& e, const std::string& unit, std::string message) {
    if (unit.empty()) return;
    for (const auto& n : out) {
      if (n.event_seq == e.seq && n.unit_id == unit) return;
    }
    out.push_back({after.id, e.seq, e.action, unit, after.number, std::move(message), e.time});
  };
  const std::string subject = "案件" + after.number + "「" + after.title + "」";
  for (const CaseEvent& e : events) {
    const OrgUnit* parent = tree.Parent(e.assigned_unit_id);
    switch (e.action) {
      case EventAction::kReported:
        // Urgent and domestic-violence reports reach the township and the city at once.
        if (after.priority == Priority::kUrgent || after.category == Category::kDomesticViolence) {
          for (const OrgUnit* u = parent; u != nullptr; u = tree.Parent(u->id)) {
            tell(e, u->id, "紧急：" + subject + "已上报，请关注处置进度");
          }
        }
        break;
      case EventAction::kUrged:
        tell(e, e.assigned_unit_id, "督办：" + subject + "请尽快处理");
        break;
      case EventAction::kSlaWarning:
        tell(e, e.assigned_unit_id, "提醒：" + subject + "即将超过响应时限");
        break;
      case EventAction::kSlaBreached:
        // The late unit, and the unit above it (at the top, the city itself is told).
        tell(e, e.assigned_unit_id, "超时：" + subject + "已超过响应时限");
        if (parent != nullptr) {
          tell(e, parent->id, "超时：" + subject + "在" + UnitName(tree, e.assigned_unit_id) +
                                  "超时未响应");
        }
        break;
      case EventAction::kEscalated:
      case EventAction::kReassigned:
        tell(e, e.assigned_unit_id, "转办：" + subject + "已转至" +
                                        UnitName(tree, e.assigned_unit_id) + "，请及时受理");
        break;
      case EventAction::kResolveOverdue:
        tell(e, e.assigned_unit_id, "超时：" + subject + "已超过办结时限");
        break;
      case EventAction::kFollowUpOverdue:
        tell(e, e.assigned_unit_id, "超时：" + subject + "回访已逾期");
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace gridcare::engine
