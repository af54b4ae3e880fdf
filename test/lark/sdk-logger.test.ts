import { describe, expect, it } from "vitest";
import { QUIET_SDK_LEVELS, sdkLogger } from "../../src/lark/sdk-logger.ts";
import { createLogger } from "../../src/log.ts";

/** What the SDK logs when a call fails: the whole axios error, request config and all. */
const AXIOS_ERROR = Object.assign(new Error("Request failed with status code 400"), {
  config: {
    headers: { Authorization: "Bearer t-secret-tenant-token" },
    data: '{"app_id":"cli_x","app_secret":"s3cret"}',
  },
  response: { status: 400, data: { code: 99991663, msg: "Invalid access token" } },
});

function lines(level: string, levels?: typeof QUIET_SDK_LEVELS) {
  const out: { level: number; msg: string }[] = [];
  const log = createLogger(level, { write: (line: string) => void out.push(JSON.parse(line)) });
  return { out, sdk: sdkLogger(log, levels) };
}

describe("sdkLogger: the one adapter of the SDK's logger", () => {
  it("keeps the SDK's levels and writes only codes, messages and statuses, never tokens or secrets", () => {
    const { out, sdk } = lines("info");
    sdk.error("[ws] request failed", AXIOS_ERROR);
    sdk.warn(["retrying with Bearer t-other-token"]);
    sdk.debug("not shown at info");
    expect(out.map((l) => l.level)).toEqual([50, 40]);
    expect(out[0]?.msg).toBe(
      "[ws] request failed 99991663 Invalid access token Request failed with status code 400 400",
    );
    expect(out[1]?.msg).toBe("retrying with Bearer [redacted]");
    expect(JSON.stringify(out)).not.toMatch(/t-secret-tenant-token|s3cret|t-other-token/);
  });

  it("turns the SDK's errors down to debug for the client, which logs every failure itself", () => {
    const quiet = lines("info", QUIET_SDK_LEVELS);
    quiet.sdk.error(AXIOS_ERROR);
    expect(quiet.out).toEqual([]);
    const debug = lines("debug", QUIET_SDK_LEVELS);
    debug.sdk.error(AXIOS_ERROR);
    expect(debug.out.map((l) => l.level)).toEqual([20]);
  });
});
