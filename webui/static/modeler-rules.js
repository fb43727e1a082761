// A timer's deadline rule in the diagram editor: reading and writing its expression `deadline(<rule>, <start>, ...)`,
// and the picker that finds a rule by its number, title, who acts or article, in the reader's language (the
// options are drawn by templates/models/draft.html).

// A timer expression `deadline(<rule>, <start>[, <regime date>])`: its arguments as written, or null.
export function parseDeadline(expression) {
  const call = /^\s*deadline\s*\(([\s\S]*)\)\s*$/.exec(expression || "");
  const args = call && splitArguments(call[1]);
  if (!args || !args.length) return null;
  const literal = /^(["'])([^"'\\]*)\1$/.exec(args[0]);
  return { first: args[0], rule: literal ? literal[2] : "", variable: literal ? "" : args[0],
           start: args[1] || "", rest: args.slice(2) };
}

export function formatDeadline(first, start, rest) {
  return `deadline(${[first, start, ...rest].join(", ")})`;
}

function splitArguments(source) {
  const args = [];
  let depth = 0, quote = "", current = "";
  for (const ch of source) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if ("([{".includes(ch)) {
      depth += 1;
    } else if (")]}".includes(ch)) {
      depth -= 1;
      if (depth < 0) return null;
    } else if (ch === "," && depth === 0) {
      args.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  if (depth !== 0 || quote) return null;
  if (current.trim() || args.length) args.push(current.trim());
  return args;
}

// The rule's title, who must act and its article, as the panel says them under the picker.
export function ruleSummary(rule, text) {
  return `${rule.title} — ${text.who_acts} ${rule.acting} (${rule.legal_source})`;
}

function folded(words) {
  return words.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

export class RulePicker {
  constructor(select, search, matches, text) {
    this.select = select;
    this.search = search;
    this.matches = matches;
    this.text = text;
    this.options = [...select.options].filter((option) => option.dataset.search);
    search.addEventListener("input", () => this.filter());
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  // Show the rules whose words hold every word of the search (accents and case aside); the chosen rule stays.
  filter() {
    const words = folded(this.search.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const option of this.options) {
      const haystack = folded(option.dataset.search);
      const match = option.selected || words.every((word) => haystack.includes(word));
      option.hidden = !match;
      option.disabled = !match;
      shown += match ? 1 : 0;
    }
    this.matches.textContent = words.length ? `${this.text.rules_shown} ${shown} / ${this.options.length}` : "";
  }

  reset() {
    this.search.value = "";
    this.filter();
  }
}
