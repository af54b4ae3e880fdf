import type { FailureMatch, InjectedFailure } from "./types.ts";

interface Rule {
  match: FailureMatch;
  failure: InjectedFailure;
  remaining: number;
}

/** Queue of one-shot (or n-shot) failures for the API gateway; rules are consumed first-in, first-out. */
export class FailureInjector {
  private rules: Rule[] = [];

  /** Makes the next `match.times` (default 1) matching calls fail as described. */
  add(match: FailureMatch, failure: InjectedFailure): void {
    this.rules.push({ match, failure, remaining: match.times ?? 1 });
  }

  /** Consumes and returns the failure for this call, if a rule matches. */
  take(method: string, path: string): InjectedFailure | undefined {
    const rule = this.rules.find((r) => matches(r.match, method, path));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.failure;
  }
}

function matches(match: FailureMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  return typeof match.path === "string" ? match.path === path : match.path.test(path);
}
