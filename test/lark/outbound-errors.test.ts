import { describe, expect, it } from "vitest";
import { fromEnvelope, fromThrown, LarkApiError } from "../../src/lark/errors.ts";

/** The shape of an axios error carrying Lark's envelope, as the SDK throws it for a non-2xx answer. */
function axiosError(status: number, data: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    isAxiosError: true,
    code: "ERR_BAD_REQUEST",
    response: { status, data, headers },
  });
}

describe("error normalization", () => {
  it("reads a rate limit with its reset hint from the thrown 429", () => {
    const e = fromThrown(
      "send",
      axiosError(429, { code: 99991400, msg: "request trigger frequency limit" }, { "x-ogw-ratelimit-reset": "3" }),
    );
    expect(e).toBeInstanceOf(LarkApiError);
    expect(e).toMatchObject({
      call: "send",
      code: 99991400,
      kind: "rate_limited",
      retryable: true,
      retryAfterMs: 3000,
    });
    expect(e.httpStatus).toBe(429);
  });

  it("treats the per-chat limit 230020 as retryable", () => {
    const e = fromThrown(
      "send",
      axiosError(400, { code: 230020, msg: "This operation triggers the frequency limit." }),
    );
    expect(e).toMatchObject({ kind: "rate_limited", retryable: true });
  });

  it("marks an expired token for a refresh", () => {
    const e = fromThrown(
      "getUser",
      axiosError(400, { code: 99991663, msg: "Invalid access token for authorization." }),
    );
    expect(e).toMatchObject({ kind: "token", retryable: true });
  });

  it("gives a permanent error its log id and a Chinese fix hint", () => {
    const e = fromThrown(
      "send",
      axiosError(400, { code: 230002, msg: "Bot/User can NOT be out of the chat.", error: { log_id: "2024abc" } }),
    );
    expect(e).toMatchObject({ code: 230002, kind: "rejected", retryable: false, logId: "2024abc" });
    expect(e.hint).toContain("机器人不在群内");
    expect(e.describe()).toContain("230002");
  });

  it("names the missing scope in the hint", () => {
    const e = fromEnvelope(
      "send",
      {
        code: 99991672,
        msg: "Access denied. One of the following scopes is required: [im:message, im:message:send_as_bot]",
      },
      400,
    );
    expect(e.retryable).toBe(false);
    expect(e.hint).toContain("应用缺少权限，请在开发者后台为应用开通 im:message, im:message:send_as_bot 并发布新版本");
  });

  it("classifies a 2xx answer with a non-zero code the same way", () => {
    const e = fromEnvelope("patch", { code: 230031, msg: "too old" }, 200);
    expect(e).toMatchObject({ call: "patch", code: 230031, retryable: false });
    expect(e.hint).toContain("14 天");
  });

  it("retries 5xx, network failures and timeouts", () => {
    expect(fromThrown("send", axiosError(502, "<html>bad gateway</html>"))).toMatchObject({
      kind: "server",
      retryable: true,
      code: null,
    });
    expect(
      fromThrown("send", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toMatchObject({
      kind: "network",
      retryable: true,
    });
    expect(
      fromThrown("send", Object.assign(new Error("timeout of 50ms exceeded"), { code: "ECONNABORTED" })),
    ).toMatchObject({
      kind: "timeout",
      retryable: true,
    });
  });

  it("recognises a refused app secret from the SDK's token error without echoing anything secret", () => {
    const e = fromThrown("send", new Error("failed to get tenant_access_token, code: 10014, msg: app secret invalid"));
    expect(e).toMatchObject({ kind: "credentials", code: 10014, retryable: false });
    expect(e.hint).toContain("LARK_APP_SECRET");
  });

  it("reads an envelope from a binary error body (downloads)", () => {
    const body = Buffer.from(JSON.stringify({ code: 234003, msg: "File not in msg." }));
    expect(fromThrown("download", axiosError(400, body))).toMatchObject({ code: 234003, retryable: false });
  });
});
