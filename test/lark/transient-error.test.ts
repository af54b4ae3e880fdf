import { describe, expect, it } from "vitest";
import { LarkApiError } from "../../src/lark/errors.ts";
import { isTransientError } from "../../src/lark/transient-error.ts";

describe("isTransientError", () => {
  it("knows a busy or unreachable database, network trouble and Lark's retryable failures", () => {
    // What Prisma throws through the libSQL adapter when another writer holds the lock past the busy timeout, and
    // when the disk is full.
    const busy = Object.assign(new Error(""), {
      code: "P1008",
      meta: { driverAdapterError: { cause: { originalCode: "5", kind: "SocketTimeout" } } },
    });
    const full = Object.assign(new Error(""), {
      code: "P2010",
      meta: { driverAdapterError: { cause: { originalCode: "13", kind: "sqlite", extendedCode: 13 } } },
    });
    const reset = new Error("socket hang up", { cause: Object.assign(new Error("read"), { code: "ECONNRESET" }) });
    const lark = new LarkApiError({ call: "download", kind: "rate_limited", code: 99991400, larkMsg: "limit" });
    for (const error of [busy, full, reset, lark]) expect(isTransientError(error)).toBe(true);
  });

  it("takes anything else for a bug or bad data", () => {
    const notInChat = new LarkApiError({ call: "reply", kind: "rejected", code: 230002, larkMsg: "out" });
    const unique = Object.assign(new Error("Unique constraint failed"), { code: "P2002" });
    for (const error of [new TypeError("x is undefined"), notInChat, unique, "boom", undefined]) {
      expect(isTransientError(error)).toBe(false);
    }
  });
});
