import { describe, expect, it } from "vitest";
import { hashApiKey, looksLikeApiKey, newApiKey } from "../../src/access/api-key.ts";
import { issueBoardToken, readBoardToken } from "../../src/access/board-token.ts";
import { photoLinkPath, photoLinkValid } from "../../src/access/photo-link.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
const NOW = new Date("2026-11-23T01:00:00Z");
const HOUR = 3_600_000;

describe("board tokens", () => {
  const token = issueBoardToken(SECRET, { openId: "ou_abc", units: [3, 7], expiresAt: new Date(NOW.getTime() + HOUR) });

  it("carry the person and units until they expire", () => {
    expect(readBoardToken(SECRET, token, NOW)).toEqual({
      ok: true,
      claims: expect.objectContaining({ sub: "ou_abc", units: [3, 7] }),
    });
    expect(readBoardToken(SECRET, token, new Date(NOW.getTime() + HOUR))).toEqual({ ok: false, problem: "expired" });
  });

  it("refuse a token signed with another secret, cut, or changed", () => {
    expect(readBoardToken(`${SECRET}x`, token, NOW)).toEqual({ ok: false, problem: "invalid" });
    expect(readBoardToken(SECRET, token.slice(0, -2), NOW)).toEqual({ ok: false, problem: "invalid" });
    const [payload, signature] = token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const widened = Buffer.from(JSON.stringify({ ...claims, units: [1] })).toString("base64url");
    expect(readBoardToken(SECRET, `${widened}.${signature}`, NOW)).toEqual({ ok: false, problem: "invalid" });
    expect(readBoardToken(SECRET, "garbage", NOW)).toEqual({ ok: false, problem: "invalid" });
  });

  it("are not photo links (a signature is bound to its purpose)", () => {
    const photo = photoLinkPath(SECRET, 5, new Date(NOW.getTime() + HOUR));
    const photoToken = new URL(photo, "http://x").searchParams.get("k") ?? "";
    expect(readBoardToken(SECRET, photoToken, NOW).ok).toBe(false);
    expect(photoLinkValid(SECRET, 5, token, NOW)).toBe(false);
  });
});

describe("photo links", () => {
  it("open one photo until they expire", () => {
    const path = photoLinkPath(SECRET, 5, new Date(NOW.getTime() + HOUR));
    const k = new URL(path, "http://x").searchParams.get("k") ?? "";
    expect(path.startsWith("/media/photos/5?k=")).toBe(true);
    expect(photoLinkValid(SECRET, 5, k, NOW)).toBe(true);
    expect(photoLinkValid(SECRET, 6, k, NOW)).toBe(false);
    expect(photoLinkValid(SECRET, 5, k, new Date(NOW.getTime() + 3 * HOUR))).toBe(false);
  });
});

describe("API keys", () => {
  it("are random, recognisable and stored only as a hash", () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a).not.toBe(b);
    expect(looksLikeApiKey(a)).toBe(true);
    expect(looksLikeApiKey("rq_short")).toBe(false);
    expect(hashApiKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(a)).not.toContain(a.slice(3, 20));
  });
});
