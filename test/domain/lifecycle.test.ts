import { describe, expect, it } from "vitest";
import {
  type Acting,
  chatPolicy,
  checkTransition as decide,
  ISSUE_ACTIONS,
  type IssueAction,
  type MergeOriginal,
  type TransitionInput,
  type TransitionRequest,
  type TransitionResult,
} from "../../src/domain/lifecycle.ts";
import { ISSUE_STATUSES, type IssueStatus } from "../../src/domain/types.ts";
import { ACTION_LABELS, denialMessage } from "../../src/texts/lifecycle.ts";

/** The verdict with a refusal worded as the user reads it (texts/lifecycle.ts). */
function checkTransition(request: TransitionRequest): TransitionResult | { ok: false; code: string; message: string } {
  const verdict = decide(request);
  return verdict.ok || verdict.code === "role"
    ? verdict
    : { ok: false, code: verdict.code, message: denialMessage(request.action, verdict) };
}

// Who may act is the permission table's (test/domain/permissions.test.ts); here it is given.
const actor = (overrides: Partial<Acting> = {}): Acting => ({ permitted: true, isRectifier: false, ...overrides });

/** Someone the permission table lets act, and who did not rectify the issue. */
const everyone = actor();

const fullInput: TransitionInput = {
  reason: "不属于本网格",
  hasAfterPhoto: true,
  target: { type: "person", id: 7 },
  original: { id: 19, number: 1019, status: "assigned", categoryId: null, categoryName: null },
  date: new Date("2026-12-10T10:00:00Z"),
};

/** The state each action needs besides its status: a request waiting for an answer, a parking to end. */
const READY: Partial<Record<IssueAction, { extensionPending?: boolean; parked?: boolean }>> = {
  approve_extension: { extensionPending: true },
  decline_extension: { extensionPending: true },
  unpark: { parked: true },
};

/** Written out by hand from behaviour §2, independently of the table in lifecycle.ts. */
const EXPECTED: Record<IssueAction, Partial<Record<IssueStatus, IssueStatus>>> = {
  assign: { reported: "assigned", assigned: "assigned", accepted: "assigned" },
  accept: { assigned: "accepted" },
  rectify: { assigned: "rectified", accepted: "rectified" },
  send_back: { assigned: "reported", accepted: "reported" },
  reject: { reported: "rejected", assigned: "rejected", accepted: "rejected" },
  verify: { rectified: "closed" },
  refuse: { rectified: "accepted" },
  merge: { reported: "duplicate", assigned: "duplicate", accepted: "duplicate" },
  dismiss_duplicate: { reported: "reported", assigned: "assigned", accepted: "accepted", rectified: "rectified" },
  edit: { reported: "reported", assigned: "assigned", accepted: "accepted", rectified: "rectified" },
  // 延期 and 挂账/缓办 leave the status as it is; an extension is for an issue in someone's hands.
  request_extension: { assigned: "assigned", accepted: "accepted" },
  approve_extension: { assigned: "assigned", accepted: "accepted" },
  decline_extension: { assigned: "assigned", accepted: "accepted" },
  park: { reported: "reported", assigned: "assigned", accepted: "accepted" },
  unpark: { reported: "reported", assigned: "assigned", accepted: "accepted" },
};

const matrix = ISSUE_ACTIONS.flatMap((action) =>
  ISSUE_STATUSES.map((status) => ({ action, status, to: EXPECTED[action][status] ?? null })),
);

describe("status × action", () => {
  it.each(matrix.filter((c) => c.to !== null))("$action from $status leads to $to", ({ action, status, to }) => {
    const issue = { status, ...READY[action] };
    expect(checkTransition({ action, issue, actor: everyone, input: fullInput })).toEqual({ ok: true, to });
  });

  it.each(matrix.filter((c) => c.to === null))("$action from $status is refused", ({ action, status }) => {
    const result = checkTransition({ action, issue: { status, ...READY[action] }, actor: everyone, input: fullInput });
    expect(result).toMatchObject({ ok: false, code: "status" });
  });

  it("explains a refused status in plain words", () => {
    expect(checkTransition({ action: "accept", issue: { status: "closed" }, actor: everyone })).toEqual({
      ok: false,
      code: "status",
      message: "该问题已销项，不能接单",
    });
    expect(checkTransition({ action: "verify", issue: { status: "accepted" }, actor: everyone })).toMatchObject({
      message: "该问题正在整改中，不能验收",
    });
  });

  it("checks the status before the actor", () => {
    const outsider = actor({ permitted: false });
    expect(checkTransition({ action: "verify", issue: { status: "closed" }, actor: outsider })).toMatchObject({
      code: "status",
    });
  });
});

describe("self-verification", () => {
  const rectifier = actor({ isRectifier: true });

  it("refuses verification by whoever rectified the issue", () => {
    expect(checkTransition({ action: "verify", issue: { status: "rectified" }, actor: rectifier })).toEqual({
      ok: false,
      code: "self_verify",
      message: "不能验收自己整改的问题，请由其他人验收",
    });
  });

  it("allows it when the policy says so", () => {
    expect(
      checkTransition({
        action: "verify",
        issue: { status: "rectified" },
        actor: rectifier,
        policy: { allowSelfVerify: true },
      }),
    ).toEqual({ ok: true, to: "closed" });
  });

  it("still lets the rectifier send their own fix back", () => {
    expect(
      checkTransition({
        action: "refuse",
        issue: { status: "rectified" },
        actor: rectifier,
        input: { reason: "没拍清楚" },
      }),
    ).toEqual({ ok: true, to: "accepted" });
  });
});

describe("required data", () => {
  const secretary = everyone;
  const assignee = everyone;

  it.each([
    ["send_back", "accepted", assignee, "退回需要写明原因，例如：退回 不属于本网格"],
    ["reject", "reported", secretary, "不予受理需要写明原因，例如：不予受理 属于在建工地，不在整治范围"],
    ["refuse", "rectified", secretary, "驳回需要写明原因，例如：驳回 门口杂物还没清走"],
  ] as const)("%s needs a reason", (action, status, who, message) => {
    for (const input of [{}, { reason: "" }, { reason: "   " }]) {
      expect(checkTransition({ action, issue: { status }, actor: who, input })).toEqual({
        ok: false,
        code: "reason_required",
        message,
      });
    }
    expect(checkTransition({ action, issue: { status }, actor: who, input: { reason: "已由物业处理" } }).ok).toBe(true);
  });

  it("rectify needs an after-photo by default", () => {
    expect(checkTransition({ action: "rectify", issue: { status: "accepted" }, actor: assignee })).toEqual({
      ok: false,
      code: "photo_required",
      message: "请附上整改后的照片再提交整改",
    });
    expect(
      checkTransition({
        action: "rectify",
        issue: { status: "accepted" },
        actor: assignee,
        input: { hasAfterPhoto: false },
      }),
    ).toMatchObject({ code: "photo_required" });
    expect(
      checkTransition({
        action: "rectify",
        issue: { status: "accepted" },
        actor: assignee,
        input: { hasAfterPhoto: true },
      }),
    ).toEqual({ ok: true, to: "rectified" });
  });

  it("rectify goes without a photo when the category does not ask for one", () => {
    expect(
      checkTransition({ action: "rectify", issue: { status: "assigned", afterPhotoRequired: false }, actor: assignee }),
    ).toEqual({ ok: true, to: "rectified" });
  });

  it("assign needs a target", () => {
    expect(checkTransition({ action: "assign", issue: { status: "reported" }, actor: secretary })).toEqual({
      ok: false,
      code: "target_required",
      message: "请指定派给谁，例如：转派 @张三",
    });
    expect(
      checkTransition({
        action: "assign",
        issue: { status: "reported" },
        actor: secretary,
        input: { target: { type: "unit", id: 12 } },
      }),
    ).toEqual({ ok: true, to: "assigned" });
  });

  it("merge needs the original issue", () => {
    expect(checkTransition({ action: "merge", issue: { status: "reported" }, actor: secretary })).toEqual({
      ok: false,
      code: "target_required",
      message: "请指明和哪个问题重复，例如：合并到 #1019",
    });
  });

  it("checks the actor before the data", () => {
    expect(
      checkTransition({ action: "reject", issue: { status: "reported" }, actor: actor({ permitted: false }) }),
    ).toEqual({
      ok: false,
      code: "role",
    });
  });
});

describe("merge", () => {
  const secretary = everyone;
  const issue = { id: 20, status: "reported", categoryId: 3 } as const;
  const original: MergeOriginal = { id: 19, number: 1019, status: "assigned", categoryId: 3, categoryName: "堆物堆料" };
  const merge = (o: MergeOriginal) =>
    checkTransition({ action: "merge", issue, actor: secretary, input: { original: o } });

  it("merges into an open issue of the same category", () => {
    expect(merge(original)).toEqual({ ok: true, to: "duplicate" });
    expect(merge({ ...original, status: "rectified" })).toEqual({ ok: true, to: "duplicate" });
    expect(merge({ ...original, categoryId: null, categoryName: null })).toEqual({ ok: true, to: "duplicate" });
  });

  it("refuses the issue itself, a finished issue and another category, saying why", () => {
    expect(merge({ ...original, id: 20, number: 1020 })).toEqual({
      ok: false,
      code: "original_invalid",
      message: "不能合并到问题自己，请写明与哪个问题重复，例如：合并到 #1019",
    });
    expect(merge({ ...original, status: "closed" })).toMatchObject({ message: "#1019 已销项，不能合并到它" });
    expect(merge({ ...original, status: "rejected" })).toMatchObject({ message: "#1019 已不予受理，不能合并到它" });
    expect(merge({ ...original, status: "duplicate" })).toMatchObject({
      message: "#1019 已合并为重复问题，不能合并到它",
    });
    expect(merge({ ...original, categoryId: 4, categoryName: "小广告" })).toMatchObject({
      code: "original_invalid",
      message: "#1019 是「小广告」问题，与本问题类别不同，不能合并",
    });
  });
});

describe("chatPolicy", () => {
  it("reads selfVerify from a chat's settings and ignores anything else", () => {
    expect(chatPolicy({ selfVerify: true })).toEqual({ allowSelfVerify: true });
    expect(chatPolicy({ selfVerify: false, digest: false })).toEqual({ allowSelfVerify: false });
    expect(chatPolicy({ selfVerify: "yes" })).toEqual({});
    expect(chatPolicy({})).toEqual({});
    expect(chatPolicy(null)).toEqual({});
    expect(chatPolicy([true])).toEqual({});
  });
});

describe("ACTION_LABELS", () => {
  it("names every action in Chinese", () => {
    expect(ACTION_LABELS).toEqual({
      assign: "转派",
      accept: "接单",
      rectify: "已整改",
      send_back: "退回",
      reject: "不予受理",
      verify: "验收通过",
      refuse: "驳回",
      merge: "合并",
      dismiss_duplicate: "不是重复",
      edit: "修改",
      request_extension: "申请延期",
      approve_extension: "批准延期",
      decline_extension: "不批准",
      park: "挂账",
      unpark: "恢复办理",
    });
  });
});

describe("延期 and 挂账/缓办 (behaviour §2.15–2.17)", () => {
  const input = { reason: "需要协调施工队", date: new Date("2026-12-10T10:00:00Z") };
  const state = (action: IssueAction, issue: Omit<TransitionRequest["issue"], "status">) =>
    checkTransition({ action, issue: { status: "accepted", ...issue }, actor: everyone, input });

  it("asks for a day and a reason", () => {
    const ask = (given: TransitionInput) =>
      checkTransition({ action: "request_extension", issue: { status: "accepted" }, actor: everyone, input: given });
    expect(ask({ reason: "需要协调施工队" })).toEqual({
      ok: false,
      code: "date_required",
      message: "请填写延期到哪天，例如 2026-12-10",
    });
    expect(ask({ date: input.date })).toEqual({ ok: false, code: "reason_required", message: "申请延期需要写明理由" });
    expect(ask(input)).toEqual({ ok: true, to: "accepted" });
  });

  it("refuses what the issue's state does not allow, after the actor", () => {
    expect(state("request_extension", { extensionPending: true })).toMatchObject({
      code: "state",
      message: "该问题已有延期申请在等待审批",
    });
    expect(state("request_extension", { hasDeadline: false })).toMatchObject({
      message: "该问题还没有整改期限，无需延期",
    });
    expect(state("request_extension", { parked: true })).toMatchObject({
      message: "该问题已挂账或缓办，恢复办理后才能申请延期",
    });
    expect(state("approve_extension", {})).toMatchObject({ message: "该问题没有待审批的延期申请" });
    expect(state("decline_extension", {})).toMatchObject({ message: "该问题没有待审批的延期申请" });
    expect(state("park", { parked: true })).toMatchObject({ code: "state" });
    expect(state("unpark", {})).toMatchObject({ message: "该问题没有挂账或缓办" });
    expect(
      checkTransition({
        action: "approve_extension",
        issue: { status: "accepted" },
        actor: actor({ permitted: false }),
      }),
    ).toEqual({ ok: false, code: "role" });
  });

  it("parks with a plan and a day", () => {
    expect(
      checkTransition({ action: "park", issue: { status: "reported" }, actor: everyone, input: { date: input.date } }),
    ).toMatchObject({ code: "reason_required", message: expect.stringContaining("挂账或缓办需要写明") });
    expect(state("park", {})).toEqual({ ok: true, to: "accepted" });
  });
});
