/**
 * The client's transport layers, each alone: a fake `next` plays Lark's answer, so each concern (error mapping,
 * pacing, token refresh, retries, logging) is shown without the others. The layers together are tested through the
 * real SDK against the emulator in outbound-client.test.ts.
 */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LarkApiError, type LarkErrorKind } from "../../src/lark/errors.ts";
import { Pacer, paceKey } from "../../src/lark/pacer.ts";
import type { LarkCall, Transport } from "../../src/lark/transport/call.ts";
import { compose, direct } from "../../src/lark/transport/call.ts";
import { logFailures } from "../../src/lark/transport/log-failures.ts";
import { mapErrors } from "../../src/lark/transport/map-errors.ts";
import { pace } from "../../src/lark/transport/pace.ts";
import { refreshToken } from "../../src/lark/transport/refresh-token.ts";
import { retry } from "../../src/lark/transport/retry.ts";
import { sentWith, TokenCache } from "../../src/lark/transport/sdk-http.ts";
import { createLogger } from "../../src/log.ts";
import { ManualClock, VirtualClock } from "./outbound-support.ts";

function larkError(kind: LarkErrorKind, code: number | null = null, retryAfterMs?: number): LarkApiError {
  return new LarkApiError({ call: "send", kind, code, larkMsg: "test", retryAfterMs });
}

/** A call whose tries answer, in turn, with the given outcomes (an error is thrown, anything else returned). */
function scripted<T>(outcomes: readonly (T | Error)[], extra: Partial<LarkCall<T>> = {}) {
  let tries = 0;
  const call: LarkCall<T> = {
    name: "send",
    keys: [paceKey.api("send"), paceKey.chat("oc_1")],
    idempotent: true,
    attempts: 3,
    run: async () => {
      const outcome = outcomes[Math.min(tries, outcomes.length - 1)] as T | Error;
      tries++;
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    ...extra,
  };
  return { call, tries: () => tries };
}

function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(
    "info",
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { log, lines };
}

describe("mapErrors", () => {
  it("turns an axios error carrying Lark's envelope into a classified LarkApiError", async () => {
    const thrown = Object.assign(new Error("Request failed with status code 400"), {
      isAxiosError: true,
      response: { status: 400, headers: {}, data: { code: 230002, msg: "Bot/User can NOT be out of the chat." } },
    });
    const { call } = scripted([thrown]);
    const error = await compose(direct, mapErrors)(call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LarkApiError);
    expect(error).toMatchObject({ code: 230002, kind: "rejected", retryable: false, call: "send" });
  });
});

describe("pace", () => {
  it("waits for the keys' windows and pauses the chat's key on 230020 until Lark's reset", async () => {
    const clock = new ManualClock(1_000);
    const pacer = new Pacer({
      clock,
      rules: { api: [{ limit: 100, windowMs: 1_000 }], chat: [{ limit: 5, windowMs: 1_000 }] },
    });
    const transport = compose(direct, pace(pacer, clock));
    const { call } = scripted([larkError("rate_limited", 230020, 3_000)]);
    await expect(transport(call)).rejects.toBeInstanceOf(LarkApiError);
    // Another chat goes at once; the limited chat waits out the reset.
    let otherDone = false;
    void transport(scripted(["ok"], { keys: [paceKey.api("send"), paceKey.chat("oc_2")] }).call).then(() => {
      otherDone = true;
    });
    let sameDone = false;
    void transport(scripted(["ok"]).call).then(() => {
      sameDone = true;
    });
    await clock.advance(10);
    expect(otherDone).toBe(true);
    expect(sameDone).toBe(false);
    await clock.advance(3_000);
    expect(sameDone).toBe(true);
  });
});

describe("refreshToken", () => {
  it("forgets the token the failed try carried and tries once more; a second token failure goes up", async () => {
    const tokens = new TokenCache();
    await tokens.set("tenant", "t-old");
    const { log, lines } = capturedLog();
    const transport = compose(direct, refreshToken(tokens, log));
    const noteToken = (token: string) => {
      const sent = sentWith.getStore();
      if (sent) sent.token = token;
    };
    let tries = 0;
    const result = await transport({
      ...scripted(["ok"]).call,
      run: async () => {
        tries++;
        noteToken(tries === 1 ? "t-old" : "t-new");
        if (tries === 1) throw larkError("token", 99991663);
        return "ok";
      },
    });
    expect(result).toBe("ok");
    expect(await tokens.get("tenant")).toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual(["tenant token rejected; refreshing it and retrying"]);

    const always = scripted([larkError("token", 99991663)]);
    await expect(transport(always.call)).rejects.toMatchObject({ kind: "token" });
    expect(always.tries()).toBe(2);
  });
});

describe("retry", () => {
  it("tries transient failures again up to the call's attempts, with backoff", async () => {
    const { log } = capturedLog();
    const transport = compose(direct, retry(new VirtualClock(), log));
    const flaky = scripted([larkError("server"), larkError("network"), "ok"]);
    expect(await transport(flaky.call)).toBe("ok");
    expect(flaky.tries()).toBe(3);
    const down = scripted([larkError("server")]);
    await expect(transport(down.call)).rejects.toMatchObject({ kind: "server" });
    expect(down.tries()).toBe(3);
  });

  it("does not repeat a refused call, nor a timed-out call that is not idempotent", async () => {
    const { log } = capturedLog();
    const transport = compose(direct, retry(new VirtualClock(), log));
    const refused = scripted([larkError("rejected", 230002)]);
    await expect(transport(refused.call)).rejects.toMatchObject({ code: 230002 });
    expect(refused.tries()).toBe(1);
    const timedOut = scripted([larkError("timeout")], { idempotent: false });
    await expect(transport(timedOut.call)).rejects.toMatchObject({ kind: "timeout" });
    expect(timedOut.tries()).toBe(1);
  });
});

describe("logFailures", () => {
  it("logs a call that failed for good once, a warning when transient and an error otherwise, without secrets", async () => {
    const { log, lines } = capturedLog();
    const transport: Transport = compose(direct, logFailures(log));
    await expect(transport(scripted([larkError("server")]).call)).rejects.toBeInstanceOf(LarkApiError);
    await expect(transport(scripted([larkError("rejected", 230002)]).call)).rejects.toBeInstanceOf(LarkApiError);
    expect(await transport(scripted(["ok"]).call)).toBe("ok");
    expect(lines.map((l) => [l.level, l.msg, l.kind, l.willRetry])).toEqual([
      [40, "Lark call failed", "server", false],
      [50, "Lark call failed", "rejected", false],
    ]);
  });
});
