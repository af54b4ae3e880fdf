import { issueActor, mayOnUnit, unitActor } from "../commands/actors.ts";
import type { FeatureDeps } from "../commands/deps.ts";
import { ensurePerson } from "../commands/ensure-person.ts";
import { answerTo, replyCard, replyText } from "../commands/say.ts";
import { loadIssueView } from "../commands/sync-issue-card.ts";
import { bindChat, unbindChat } from "../db/bindings.ts";
import { type BindingRef, dutiesOf, orgOf } from "../db/org-queries.ts";
import { transaction } from "../db/transaction.ts";
import { normalizeText } from "../domain/match.ts";
import { permits, visibleUnits } from "../domain/permissions.ts";
import type { ChatPurpose } from "../domain/types.ts";
import type { InboundMessage } from "../lark/envelope.ts";
import { helpCard } from "../presenters/help-card.ts";
import { issueCard } from "../presenters/issue-card.ts";
import { unitWithCode } from "../texts/commands.ts";
import { TEXTS } from "../texts/messages.ts";
import { PURPOSE_LABELS } from "../texts/org.ts";
import { refusal } from "../texts/permissions.ts";
import { COMMAND_WORDS, ISSUE_NUMBER_EXAMPLES, PURPOSE_WORDS, SHOW_ARGUMENT } from "../texts/words.ts";
import { parseIssueNumber } from "./parse-input.ts";
import { patrolAnswer } from "./patrol-report-command.ts";
import { todoPages } from "./todo-command.ts";

const WORDS = Object.keys(COMMAND_WORDS).sort((a, b) => b.length - a.length);

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
    const verb = COMMAND_WORDS[word] ?? "help";
    if (verb === "show" && arg !== "" && !SHOW_ARGUMENT.test(arg)) continue;
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
  /** Units the command covers: the chat's unit, or in a private chat the units the sender's duties reach. */
  unitIds: number[];
  isAdmin: boolean;
}

/**
 * Runs a chat command (behaviour §5), in groups after an @-mention and in private chats as plain text. An unknown
 * command gets the help card. Commands need a duty where the permission table's use_commands says (admins excepted).
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
  if (!scope.isAdmin && scope.unitIds.length === 0) return reply(refusal("use_commands"));
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
    case "patrol_report":
    case "patrol_week":
      return reply(await patrolAnswer(deps, command.verb === "patrol_week" ? "week" : "day", scope.unitIds));
    default: {
      const extension = extensions[command.verb];
      if (extension) return extension(deps, m, command.arg, scope);
      await replyCard(deps.db, { ...answerTo(m), card: helpCard() });
    }
  }
}

/**
 * In a bound group: the group's unit if the sender may use its commands (a duty reaching it, or inside it). In
 * private: the units the sender's duties reach.
 */
async function scopeOf(deps: FeatureDeps, openId: string, binding: BindingRef | null): Promise<CommandScope> {
  const isAdmin = deps.admins.includes(openId);
  const person = await deps.db.person.findUnique({ where: { openId } });
  const org = await orgOf(deps.db);
  if (!binding)
    return { binding, unitIds: person ? visibleUnits(dutiesOf(org, person.id), false, org.units) : [], isAdmin };
  const sender = { id: person?.id ?? null, openId };
  const allowed = permits("use_commands", unitActor(org, sender, deps.admins, binding.unitId, "use_commands"));
  return { binding, unitIds: allowed ? [binding.unitId] : [], isAdmin };
}

/**
 * 查 #编号: the issue card with its whole history, for those the permission table lets see the issue (show): people
 * whose duty reaches it, its reporter and assignee — and, in a group, those who may use the group's commands, for
 * the issues of the group's own unit.
 */
async function show(
  deps: FeatureDeps,
  m: InboundMessage,
  arg: string,
  scope: CommandScope,
  reply: (t: string) => Promise<void>,
): Promise<void> {
  const parsed = parseIssueNumber(arg, ISSUE_NUMBER_EXAMPLES.show);
  if (!parsed) return reply(TEXTS.showNeedsNumber);
  if (!parsed.ok) return reply(parsed.answer);
  const number = parsed.value;
  const issue = await deps.db.issue.findUnique({ where: { number } });
  if (!issue) return reply(TEXTS.unknownIssue(`#${number}`));
  const card = await transaction(deps.db, async (tx) => {
    const person = await tx.person.findUnique({ where: { openId: m.senderOpenId } });
    if (!permits("show", await issueActor(tx, issue, person, deps.admins, scope.binding?.unitId))) return null;
    return issueCard(await loadIssueView(tx, issue.id), deps.now(), deps.timeZone, { fullHistory: true });
  });
  if (!card) return reply(refusal("show"));
  await replyCard(deps.db, { ...answerTo(m), card });
}

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
        candidates.map((u) => unitWithCode(u.name, u.code)),
      ),
    );
  const unit = candidates[0];
  if (!unit) return;
  if (!(await mayOnUnit(deps.db, "bind", m.senderOpenId, unit.id, deps.admins))) return reply(refusal("bind"));
  if (
    binding &&
    binding.unitId !== unit.id &&
    !(await mayOnUnit(deps.db, "bind", m.senderOpenId, binding.unitId, deps.admins))
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
  if (!(await mayOnUnit(deps.db, "bind", m.senderOpenId, binding.unitId, deps.admins))) return reply(refusal("bind"));
  const unit = await deps.db.unit.findUnique({ where: { id: binding.unitId } });
  await transaction(deps.db, (tx) => unbindChat(tx, binding.chatId));
  await reply(TEXTS.unbound(unit?.name ?? ""));
}
