import { newId } from "./new-id.ts";

/** Lark hands out a fresh token only when the current one has less than this left. */
const REISSUE_BELOW_MS = 30 * 60 * 1000;

export type TokenKind = "tenant" | "app";

export type TokenCheck = "valid" | "expired" | "unknown";

/** Access tokens of the emulated app, on the emulator's clock. */
export class TokenStore {
  private readonly expiries = new Map<string, number>();
  private readonly current = new Map<TokenKind, string>();

  constructor(
    private readonly now: () => number,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * Returns the current token while it has at least 30 minutes left, else a new one (the old stays valid until
   * it expires, as on Lark). `expire` is the remaining lifetime in seconds.
   */
  issue(kind: TokenKind): { token: string; expire: number } {
    const now = this.now();
    const existing = this.current.get(kind);
    const expiresAt = existing ? (this.expiries.get(existing) ?? 0) : 0;
    if (existing && expiresAt - now >= REISSUE_BELOW_MS) {
      return { token: existing, expire: Math.floor((expiresAt - now) / 1000) };
    }
    const token = newId(kind === "tenant" ? "tenantToken" : "appToken");
    this.expiries.set(token, now + this.ttlSeconds * 1000);
    this.current.set(kind, token);
    return { token, expire: this.ttlSeconds };
  }

  check(token: string): TokenCheck {
    const expiresAt = this.expiries.get(token);
    if (expiresAt === undefined) return "unknown";
    return expiresAt > this.now() ? "valid" : "expired";
  }

  /** Expires every token issued so far (the next token request gets a new one). */
  expireAll(): void {
    for (const token of this.expiries.keys()) this.expiries.set(token, Number.NEGATIVE_INFINITY);
  }
}
