// The "Deadline" fields of a user task (README, "Every lane is a legal lane"): the rule of its boundary timer, or
// the rules whose timer elsewhere bounds it (deadlineRules), or why the law sets it no term (notTimeBound).
// The fields are in templates/models/draft.html; the panel (modeler-panel.js) reads and writes the properties.

const RULES_PROPERTY = "deadlineRules";
const REASON_PROPERTY = "notTimeBound";

function byId(id) {
  return document.getElementById(id);
}

function listed(rules) {
  return rules.split(",").map((r) => r.trim()).filter(Boolean).join(", ");
}

export class DeadlineFields {
  constructor(panel, text) {
    this.panel = panel;
    this.text = text;
    this.timer = byId("prop-deadline-timer");
    this.choice = byId("prop-deadline-choice");
    this.kind = byId("prop-deadline-kind");
    this.rules = byId("prop-deadline-rules");
    this.reason = byId("prop-not-time-bound");
    // The kind chosen per task, so that the field stays open while its text is still empty.
    this.chosen = new Map();
    const writers = { kind: this.writeKind, rules: this.writeRules, reason: this.writeReason };
    for (const [name, write] of Object.entries(writers)) {
      this[name].addEventListener("change", () => this.panel.element && write.call(this));
    }
  }

  show(element) {
    const timerRule = this.panel.boundaryTimerRule(element);
    this.timer.hidden = timerRule === null;
    this.choice.hidden = timerRule !== null;
    if (timerRule !== null) {
      const rule = this.panel.rules[timerRule];
      this.timer.textContent = `${this.text.deadline_by_timer} ${timerRule || "?"}${rule ? ` — ${rule.title}` : ""}`;
      return;
    }
    this.rules.value = this.panel.property(RULES_PROPERTY);
    this.reason.value = this.panel.property(REASON_PROPERTY);
    this.showKind(this.rules.value ? "rules" : this.reason.value ? "reason" : this.chosen.get(element.id) || "");
  }

  showKind(kind) {
    this.kind.value = kind;
    this.choice.querySelectorAll("[data-deadline]").forEach((field) => {
      field.hidden = field.dataset.deadline !== kind;
    });
  }

  // Choosing one kind drops the other's property: a task is bounded elsewhere or not time-bound, never both.
  writeKind() {
    const kind = this.kind.value;
    this.chosen.set(this.panel.element.id, kind);
    this.panel.writeProperty(RULES_PROPERTY, kind === "rules" ? listed(this.rules.value) : "");
    this.panel.writeProperty(REASON_PROPERTY, kind === "reason" ? this.reason.value.trim() : "");
    this.showKind(kind);
  }

  writeRules() {
    this.chosen.set(this.panel.element.id, "rules");
    this.panel.writeProperty(RULES_PROPERTY, listed(this.rules.value));
  }

  writeReason() {
    this.chosen.set(this.panel.element.id, "reason");
    this.panel.writeProperty(REASON_PROPERTY, this.reason.value.trim());
  }
}
