// behaviour §2.10, §2.11
import { describe, expect, it } from "vitest";
import {
  type Actor,
  type Permission,
  permits,
  rolesReaching,
  type TreeUnit,
  visibleUnits,
  withinUnits,
} from "../../src/domain/permissions.ts";
import type { Role, UnitLevel } from "../../src/domain/types.ts";
import { refusal } from "../../src/texts/permissions.ts";

const actor = (overrides: Partial<Actor> = {}): Actor => ({
  roles: new Set<Role>(),
  isAssignee: false,
  isReporter: false,
  ...overrides,
});
const withRoles = (...roles: Role[]) => actor({ roles: new Set(roles) });
const assignee = actor({ isAssignee: true });
const reporter = actor({ isReporter: true });

describe("who may act", () => {
  /** Written out by hand from behaviour §2 and §6–7, independently of the table. */
  const cases: { action: Permission; allowed: [string, Actor][]; denied: [string, Actor][]; message: string }[] = [
    {
      action: "assign",
      allowed: [
        ["secretary", withRoles("secretary")],
        ["dispatcher", withRoles("dispatcher")],
        ["admin", withRoles("admin")],
        ["current assignee transferring", assignee],
      ],
      denied: [
        ["leader", withRoles("leader")],
        ["grid worker", withRoles("grid_worker")],
        ["reporter", reporter],
      ],
      message: "只有本社区书记、街道派单员、管理员或责任人可以派单或转派",
    },
    {
      action: "accept",
      allowed: [
        ["assignee", assignee],
        ["grid head", withRoles("grid_head")],
      ],
      denied: [
        ["secretary", withRoles("secretary")],
        ["admin", withRoles("admin")],
        ["grid worker", withRoles("grid_worker")],
        ["responder of another department", withRoles("responder")],
      ],
      message: "只有本网格的网格长或责任人可以接单",
    },
    {
      action: "rectify",
      allowed: [
        ["assignee", assignee],
        ["grid worker", withRoles("grid_worker")],
        ["grid head", withRoles("grid_head")],
      ],
      denied: [
        ["secretary", withRoles("secretary")],
        ["leader", withRoles("leader")],
        ["reporter", reporter],
      ],
      message: "只有本网格的网格员、网格长或责任人可以提交整改",
    },
    {
      action: "send_back",
      allowed: [["assignee", assignee]],
      denied: [
        ["secretary", withRoles("secretary")],
        ["admin", withRoles("admin")],
        ["responder who is not the assignee", withRoles("responder")],
      ],
      message: "只有责任人可以退回",
    },
    {
      action: "reject",
      allowed: [
        ["secretary", withRoles("secretary")],
        ["dispatcher", withRoles("dispatcher")],
        ["admin", withRoles("admin")],
      ],
      denied: [
        ["leader", withRoles("leader")],
        ["reporter", reporter],
        ["assignee", assignee],
      ],
      message: "只有本社区书记、街道派单员或管理员可以标记不予受理",
    },
    {
      action: "verify",
      allowed: [
        ["secretary", withRoles("secretary")],
        ["leader", withRoles("leader")],
        ["dispatcher", withRoles("dispatcher")],
        ["admin", withRoles("admin")],
      ],
      denied: [
        ["grid head", withRoles("grid_head")],
        ["assignee", assignee],
        ["reporter", reporter],
      ],
      message: "只有本社区书记、街道包片领导、派单员或管理员可以验收",
    },
    {
      action: "refuse",
      allowed: [
        ["secretary", withRoles("secretary")],
        ["leader", withRoles("leader")],
        ["admin", withRoles("admin")],
      ],
      denied: [
        ["grid worker", withRoles("grid_worker")],
        ["responder", withRoles("responder")],
      ],
      message: "只有本社区书记、街道包片领导、派单员或管理员可以驳回重改",
    },
    {
      action: "merge",
      allowed: [
        ["reporter", reporter],
        ["secretary", withRoles("secretary")],
        ["dispatcher", withRoles("dispatcher")],
        ["admin", withRoles("admin")],
      ],
      denied: [
        ["assignee", assignee],
        ["leader", withRoles("leader")],
      ],
      message: "只有本社区书记、街道派单员、管理员或上报人可以合并为重复问题",
    },
    {
      action: "dismiss_duplicate",
      allowed: [
        ["reporter", reporter],
        ["secretary", withRoles("secretary")],
      ],
      denied: [
        ["grid head", withRoles("grid_head")],
        ["assignee", assignee],
      ],
      message: "只有本社区书记、街道派单员、管理员或上报人可以标记不是重复",
    },
    {
      action: "edit",
      allowed: [
        ["reporter", reporter],
        ["secretary", withRoles("secretary")],
        ["dispatcher", withRoles("dispatcher")],
      ],
      denied: [
        ["leader", withRoles("leader")],
        ["assignee", assignee],
        ["grid worker", withRoles("grid_worker")],
      ],
      message: "只有本社区书记、街道派单员、管理员或上报人可以修改问题",
    },
    {
      action: "snooze",
      allowed: [
        ["assignee", assignee],
        ["secretary", withRoles("secretary")],
        ["leader", withRoles("leader")],
      ],
      denied: [
        ["grid worker", withRoles("grid_worker")],
        ["reporter", reporter],
      ],
      message: "只有本社区书记、街道包片领导、派单员、管理员或责任人可以延后提醒",
    },
    {
      action: "answer_lookback",
      allowed: [
        ["reporter", reporter],
        ["grid worker", withRoles("grid_worker")],
        ["secretary", withRoles("secretary")],
      ],
      denied: [
        ["assignee", assignee],
        ["responder", withRoles("responder")],
      ],
      message: "只有本网格的网格员、网格长、本社区书记、街道包片领导、派单员、管理员或上报人可以回答回头看",
    },
    {
      action: "show",
      allowed: [
        ["anyone whose duty reaches the issue", withRoles("responder")],
        ["assignee", assignee],
        ["reporter", reporter],
        ["someone asking in the issue's group", actor({ inIssueGroup: true })],
      ],
      denied: [["someone without a duty there", actor()]],
      message: "只有该问题所在单位的工作人员、责任人或上报人可以查看问题详情",
    },
    {
      action: "list_overdue",
      allowed: [
        ["secretary", withRoles("secretary")],
        ["dispatcher", withRoles("dispatcher")],
      ],
      denied: [
        ["grid head", withRoles("grid_head")],
        ["assignee", assignee],
      ],
      message: "只有本社区书记、街道包片领导、派单员或管理员可以查看超期问题",
    },
    {
      action: "export_ledger",
      allowed: [["leader", withRoles("leader")]],
      denied: [["grid worker", withRoles("grid_worker")]],
      message: "只有本社区书记、街道包片领导、派单员或管理员可以导出台账",
    },
    {
      action: "review_digest",
      allowed: [
        ["leader", withRoles("leader")],
        ["dispatcher", withRoles("dispatcher")],
      ],
      denied: [["secretary", withRoles("secretary")]],
      message: "只有街道包片领导、派单员或管理员可以填写审阅意见",
    },
    {
      action: "read_review",
      allowed: [
        ["secretary", withRoles("secretary")],
        ["admin", withRoles("admin")],
      ],
      denied: [["leader", withRoles("leader")]],
      message: "只有本社区书记或管理员可以确认已阅",
    },
    {
      action: "bind",
      allowed: [["secretary", withRoles("secretary")]],
      denied: [
        ["dispatcher", withRoles("dispatcher")],
        ["grid head", withRoles("grid_head")],
      ],
      message: "只有本社区书记或管理员可以绑定、解绑本群",
    },
    {
      action: "use_commands",
      allowed: [["grid worker", withRoles("grid_worker")]],
      denied: [["someone without a duty there", actor()]],
      message: "只有在对应单位有职责的人员可以使用统计、日报、待办等命令",
    },
  ];

  for (const { action, allowed, denied, message } of cases) {
    describe(action, () => {
      it.each(allowed)("allows the %s", (_who, who) => expect(permits(action, who)).toBe(true));
      it.each(denied)("refuses the %s", (_who, who) => expect(permits(action, who)).toBe(false));
      it("names who may in its refusal", () => expect(refusal(action)).toBe(message));
    });
  }

  it("names the assignee and the reporter in a refusal when it knows them", () => {
    const names = { assignee: "黄志明", reporter: "何小燕" };
    expect(refusal("accept", names)).toBe("只有本网格的网格长或责任人 黄志明 可以接单");
    expect(refusal("send_back", names)).toBe("只有责任人 黄志明 可以退回");
    expect(refusal("assign", names)).toBe("只有本社区书记、街道派单员、管理员或责任人 黄志明 可以派单或转派");
    expect(refusal("edit", names)).toBe("只有本社区书记、街道派单员、管理员或上报人 何小燕 可以修改问题");
    expect(refusal("verify", names)).toBe("只有本社区书记、街道包片领导、派单员或管理员可以验收");
  });
});

// district 1 › street 2 › community 3 (grids 4, 5), community 6 (grid 7); departments 8 (command centre), 9 (城管).
const UNITS = new Map<number, TreeUnit>(
  (
    [
      [1, "district", null],
      [2, "street", 1],
      [3, "community", 2],
      [4, "grid", 3],
      [5, "grid", 3],
      [6, "community", 2],
      [7, "grid", 6],
      [8, "department", 2],
      [9, "department", 2],
    ] as [number, UnitLevel, number | null][]
  ).map(([id, level, parentId]) => [id, { id, level, parentId }]),
);

describe("where a duty reaches", () => {
  it("counts a role on the unit acted on and above it; the command centre's across its street", () => {
    const duties = [
      { unitId: 4, role: "grid_head" },
      { unitId: 3, role: "secretary" },
      { unitId: 6, role: "secretary" },
      { unitId: 8, role: "dispatcher" },
      { unitId: 9, role: "responder" },
    ] as const;
    expect(rolesReaching(duties, [4], "issue", UNITS)).toEqual(new Set(["grid_head", "secretary", "dispatcher"]));
    expect(rolesReaching(duties, [5], "issue", UNITS)).toEqual(new Set(["secretary", "dispatcher"]));
    // An issue in grid 7 dispatched to 城管 (9): its responder counts, community 3's secretary does not.
    expect(rolesReaching(duties.slice(2), [7, 9], "issue", UNITS)).toEqual(
      new Set(["secretary", "dispatcher", "responder"]),
    );
    expect(rolesReaching(duties.slice(0, 2), [2], "unit", UNITS)).toEqual(new Set());
    // Those who work inside a unit may read its figures.
    expect(rolesReaching(duties.slice(0, 2), [2], "unit_or_below", UNITS)).toEqual(new Set(["grid_head", "secretary"]));
  });

  it("counts a dispatcher or a 包片领导 on every unit of their street, wherever in it their duty is", () => {
    for (const unitId of [2, 3, 8]) {
      for (const role of ["dispatcher", "leader"] as const) {
        expect(rolesReaching([{ unitId, role }], [7], "issue", UNITS), `${role} on ${unitId}`).toEqual(new Set([role]));
        expect(rolesReaching([{ unitId, role }], [9], "unit", UNITS)).toEqual(new Set([role]));
      }
    }
    // On a district they reach the district; other roles stay where they are.
    expect(rolesReaching([{ unitId: 1, role: "leader" }], [7], "issue", UNITS)).toEqual(new Set(["leader"]));
    expect(rolesReaching([{ unitId: 3, role: "secretary" }], [7], "issue", UNITS)).toEqual(new Set());
    expect(rolesReaching([{ unitId: 8, role: "responder" }], [7], "issue", UNITS)).toEqual(new Set());
    expect(rolesReaching([{ unitId: 3, role: "admin" }], [6], "unit", UNITS)).toEqual(new Set());
    expect(rolesReaching([{ unitId: 8, role: "admin" }], [6], "unit", UNITS)).toEqual(new Set(["admin"]));
  });

  it("shows each duty its unit on the board, and the command centre its street", () => {
    expect(
      visibleUnits(
        [
          { unitId: 4, role: "grid_head" },
          { unitId: 5, role: "grid_head" },
        ],
        false,
        UNITS,
      ),
    ).toEqual([4, 5]);
    expect(
      visibleUnits(
        [
          { unitId: 3, role: "secretary" },
          { unitId: 4, role: "grid_worker" },
        ],
        false,
        UNITS,
      ),
    ).toEqual([3]);
    expect(visibleUnits([{ unitId: 2, role: "leader" }], false, UNITS)).toEqual([2]);
    expect(visibleUnits([{ unitId: 8, role: "dispatcher" }], false, UNITS)).toEqual([2]);
    expect(visibleUnits([{ unitId: 3, role: "leader" }], false, UNITS)).toEqual([2]);
    expect(visibleUnits([{ unitId: 9, role: "responder" }], false, UNITS)).toEqual([9]);
    expect(visibleUnits([], false, UNITS)).toEqual([]);
    expect(visibleUnits([], true, UNITS)).toEqual([1]);
  });

  it("cuts a request down to what is allowed", () => {
    expect(withinUnits([3], [2], UNITS)).toEqual([3]);
    expect(withinUnits([2], [4, 5], UNITS)).toEqual([4, 5]);
    expect(withinUnits([6], [3], UNITS)).toEqual([]);
    expect(withinUnits([3, 4], [2], UNITS)).toEqual([3]);
  });
});
