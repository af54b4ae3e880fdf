import type { FeatureDeps } from "../commands/deps.ts";
import { ensurePerson } from "../commands/ensure-person.ts";
import { actorContext, type IssueAuthority, issueAnchor } from "../commands/issue-actor.ts";
import { answerTo, replyCard, replyText } from "../commands/say.ts";
import { loadIssueView } from "../commands/sync-issue-card.ts";
import { bindChat, unbindChat } from "../db/bindings.ts";
import type { Db, Tx } from "../db/client.ts";
import { type BindingRef, dutiesOf, orgOf, unitChain, unitSubtree } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { normalizeText } from "../domain/match.ts";
import type { ChatPurpose } from "../domain/types.ts";
import type { InboundMessage } from "../lark/envelope.ts";
import { helpCard } from "../presenters/help-card.ts";
import { issueCard } from "../presenters/issue-card.ts";
import { TEXTS } from "../texts/messages.ts";
import { todoPages } from "./todo-command.ts";

/** Command words (behaviour §5) with their English aliases. */
const VERBS: Record<string, string> = {
  帮助: "help",
  help: "help",
  待办: "todo",
  todo: "todo",
  统计: "stats",
  stats: "stats",
  日报: "digest",
  digest: "digest",
  查: "show",
  show: "show",
  台账: "ledger",
  ledger: "ledger",
  绑定: "bind",
  bind: "bind",
  解绑: "unbind",
  unbind: "unbind",
  挂图: "board",
  挂图作战: "board",
  board: "board",
};

const WORDS = Object.keys(VERBS).sort((a, b) => b.length - a.length);

/**
 * Splits "统计 本周" (or "统计本周", "查#1024") into the verb and its argument; null when the text is not a command.
 * 查 stands alone or before a space or an issue number, so a report like "查到幸福路有堆物" is not mistaken for one.
 */
export function parseCommand(text: string): { verb: string; arg: string } | null {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  for (const word of WORDS) {
    if (!lower.startsWith(word)) continue;
    const arg = trimmed.slice(word.length);
    if (/^[a-z]/.test(word) && arg !== "" && !/^\s/.test(arg)) continue;
    const verb = VERBS[word] ?? "help";
    if (verb === "show" && arg !== "" && !/^[\s#＃\d]/.test(arg)) continue;
    return { verb, arg: arg.trim() };
  }
  return null;
}

/** Extra verbs other features provide (统计, 日报, 台账): each answers the message itself. */
export type CommandExtension = (
  deps: FeatureDeps,
  m: InboundMessage,
  arg: string,
  scope: CommandScope,
) => Promise<void>;

/** The unit a command is about, and whether the sender may ask about it. */
export interface CommandScope {
  binding: BindingRef | null;
  /** Units the command covers: the chat's unit, or in a private chat the sender's own units. */
  unitIds: number[];
  isAdmin: boolean;
}

/**
 * Runs a chat command (behaviour §5), in groups after an @-mention and in private chats as plain text. An unknown
 * command gets the help card. Commands need a duty in the chat's unit (admins excepted).
 */
export async function runChatCommand(
  deps: FeatureDeps,
  m: InboundMessage,
  text: string,
  binding: BindingRef | null,
  extensions: Partial<Record<string, CommandExtension>>,
): Promise<void> {
  const command = parseCommand(text);
  const reply = (t: string) => replyText(deps.db, { ...answerTo(m), text: t });
  if (!command || command.verb === "help") {
    await replyCard(deps.db, { ...answerTo(m), card: helpCard() });
    return;
  }
  if (command.verb === "bind") return bind(deps, m, command.arg, binding, reply);
  if (command.verb === "unbind") return unbind(deps, m, binding, reply);

  const scope = await scopeOf(deps, m.senderOpenId, binding);
  if (!scope.isAdmin && scope.unitIds.length === 0) return reply(TEXTS.noAccess);
  switch (command.verb) {
    case "todo": {
      const pages = await todoPages(deps, m.senderOpenId);
      for (const [i, page] of pages.entries()) {
        const answer = answerTo(m);
        await replyText(deps.db, { ...answer, key: i === 0 ? answer.key : `${answer.key}:p${i + 1}`, text: page });
      }
      return;
    }
    case "show":
      return show(deps, m, command.arg, scope, reply);
    default: {
      const extension = extensions[command.verb];
      if (extension) return extension(deps, m, command.arg, scope);
      await replyCard(deps.db, { ...answerTo(m), card: helpCard() });
    }
  }
}

/** In a bound group: the group's unit if the sender has a duty on it, above it or below it. In private: own units. */
async function scopeOf(deps: FeatureDeps, openId: string, binding: BindingRef | null): Promise<CommandScope> {
  const isAdmin = deps.admins.includes(openId);
  const person = await deps.db.person.findUnique({ where: { openId } });
  const org = await orgOf(deps.db);
  const duties = person ? dutiesOf(org, person.id) : [];
  if (duties.some((d) => d.role === "admin"))
    return { binding, unitIds: binding ? [binding.unitId] : duties.map((d) => d.unitId), isAdmin: true };
  if (!binding) return { binding, unitIds: [...new Set(duties.map((d) => d.unitId))], isAdmin };
  const related = new Set([
    ...unitChain(org, binding.unitId).map((u) => u.id),
    ...unitSubtree(org, binding.unitId).map((u) => u.id),
  ]);
  const allowed = duties.some((d) => related.has(d.unitId));
  return { binding, unitIds: allowed || isAdmin ? [binding.unitId] : [], isAdmin };
}

/**
 * 查 #编号: the issue card with its whole history, for those who may see the issue — people with a duty on its grid
 * or above it (or, before a grid is known, on its chat's unit) or in its assignee department, its reporter and
 * assignee, admins — and, in a group, for the issues of the group's own unit.
 */
async function show(
  deps: FeatureDeps,
  m: InboundMessage,
  arg: string,
  scope: CommandScope,
  reply: (t: string) => Promise<void>,
): Promise<void> {
  const number = /^[#＃]?\s*(\d+)/.exec(arg)?.[1];
  if (!number) return reply(TEXTS.showNeedsNumber);
  const issue = await deps.db.issue.findUnique({ where: { number: Number(number) } });
  if (!issue) return reply(TEXTS.unknownIssue(`#${number}`));
  const card = await transaction(deps.db, async (tx) => {
    if (!(await mayView(tx, deps.admins, m.senderOpenId, issue, scope))) return null;
    return issueCard(await loadIssueView(tx, issue.id), deps.now(), deps.timeZone, { fullHistory: true });
  });
  if (!card) return reply(TEXTS.showForbidden(`#${number}`));
  await replyCard(deps.db, { ...answerTo(m), card });
}

async function mayView(
  tx: Tx,
  admins: readonly string[],
  openId: string,
  issue: IssueAuthority,
  scope: CommandScope,
): Promise<boolean> {
  if (scope.isAdmin) return true;
  const person = await tx.person.findUnique({ where: { openId } });
  const actor = await actorContext(tx, issue, person, admins);
  if (actor.isAdmin || actor.isAssignee || actor.isReporter || actor.roles.size > 0) return true;
  const org = await orgOf(tx);
  const anchor = issueAnchor(org, issue);
  const groupUnit = scope.binding?.unitId;
  return anchor !== null && groupUnit !== undefined && unitChain(org, anchor).some((u) => u.id === groupUnit);
}

/** Who may bind or unbind a chat to a unit: admins, and secretaries of that unit or a unit above it. */
async function maySecretary(db: Db, openId: string, unitId: number, admins: readonly string[]): Promise<boolean> {
  if (admins.includes(openId)) return true;
  const person = await db.person.findUnique({ where: { openId } });
  if (!person) return false;
  const org = await orgOf(db);
  const chain = unitChain(org, unitId).map((u) => u.id);
  const duties = dutiesOf(org, person.id);
  return duties.some((d) => d.role === "admin" || (d.role === "secretary" && chain.includes(d.unitId)));
}

const PURPOSE_WORDS: Record<string, ChatPurpose> = {
  工作: "work",
  工作群: "work",
  巡查: "patrol",
  巡查群: "patrol",
  领导: "leader",
  领导群: "leader",
  部门: "department",
  部门群: "department",
};
const PURPOSE_LABELS: Record<ChatPurpose, string> = {
  work: "工作群",
  patrol: "巡查群",
  leader: "领导群",
  department: "部门群",
};

/**
 * 绑定 单位 [用途]: binds the group to the unit named by code, name or alias (an ambiguous name asks for the code).
 * Admins and secretaries of the unit or above may; rebinding a group bound to another unit needs the same authority
 * over that unit too, so nobody takes over another community's group.
 */
async function bind(
  deps: FeatureDeps,
  m: InboundMessage,
  arg: string,
  binding: BindingRef | null,
  reply: (t: string) => Promise<void>,
): Promise<void> {
  if (m.chatType !== "group") return reply(TEXTS.bindInGroup);
  const words = arg.split(/\s+/).filter(Boolean);
  const purposeWord = words.length > 1 ? PURPOSE_WORDS[words[words.length - 1] ?? ""] : undefined;
  const name = (purposeWord ? words.slice(0, -1) : words).join("");
  if (!name) return reply(TEXTS.bindNeedsUnit);
  const key = normalizeText(name);
  const units = await deps.db.unit.findMany();
  const byCode = units.filter((u) => normalizeText(u.code) === key);
  const byName = units.filter(
    (u) =>
      normalizeText(u.name) === key ||
      (Array.isArray(u.aliases) && (u.aliases as string[]).some((a) => normalizeText(a) === key)),
  );
  const candidates = byCode.length ? byCode : byName;
  if (candidates.length === 0) return reply(TEXTS.bindUnknownUnit(name));
  if (candidates.length > 1)
    return reply(
      TEXTS.bindAmbiguous(
        name,
        candidates.map((u) => `${u.name}（${u.code}）`),
      ),
    );
  const unit = candidates[0];
  if (!unit) return;
  if (!(await maySecretary(deps.db, m.senderOpenId, unit.id, deps.admins))) return reply(TEXTS.bindForbidden);
  if (
    binding &&
    binding.unitId !== unit.id &&
    !(await maySecretary(deps.db, m.senderOpenId, binding.unitId, deps.admins))
  ) {
    const current = (await orgOf(deps.db)).units.get(binding.unitId);
    return reply(TEXTS.bindTaken(current?.name ?? ""));
  }
  const purpose: ChatPurpose =
    purposeWord ??
    (unit.level === "street" || unit.level === "district"
      ? "leader"
      : unit.level === "department"
        ? "department"
        : "work");
  const binder = { openId: m.senderOpenId, name: await deps.userName(m.senderOpenId) };
  await transaction(deps.db, async (tx) => {
    await ensurePerson(tx, binder);
    await bindChat(tx, m.chatId, { unitId: unit.id, purpose });
  });
  await reply(TEXTS.bound(unit.name, PURPOSE_LABELS[purpose]));
}

async function unbind(
  deps: FeatureDeps,
  m: InboundMessage,
  binding: BindingRef | null,
  reply: (t: string) => Promise<void>,
): Promise<void> {
  if (!binding) return reply(TEXTS.notBound);
  if (!(await maySecretary(deps.db, m.senderOpenId, binding.unitId, deps.admins))) return reply(TEXTS.bindForbidden);
  const unit = await deps.db.unit.findUnique({ where: { id: binding.unitId } });
  await transaction(deps.db, (tx) => unbindChat(tx, binding.chatId));
  await reply(TEXTS.unbound(unit?.name ?? ""));
}
