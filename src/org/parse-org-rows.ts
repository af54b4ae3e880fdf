/**
 * Row-by-row validation of an organisation file (zod at the import boundary): raw text cells in, typed values out,
 * with a Chinese reason for every bad cell. Also checks what one file alone can tell: duplicate codes and people
 * whose rows disagree. References between rows and to the database are checked later, by the import.
 */

import { z } from "zod";
import type { TimeLimit } from "../domain/deadline.ts";
import { parseAreaGeometry } from "../domain/geo.ts";
import {
  parseClass,
  parseKind,
  parseLimit,
  parseObjectType,
  parsePatrolFrequency,
  parsePatrolLevel,
  parseRole,
  parseUnitLevel,
  ROLE_LABELS,
} from "../texts/labels.ts";
import { CELL_WORDS, FIELD_NAMES, T } from "../texts/org.ts";
import type {
  Located,
  LocatedPerson,
  OrgCategory,
  OrgChat,
  OrgDuty,
  OrgPatrol,
  OrgPoint,
  OrgProblem,
  OrgStreetLimit,
  OrgUnit,
  ParsedOrg,
  SourceLoc,
} from "./org-data.ts";
import { DUTY_KEYS, ORG_SHEETS } from "./org-fields.ts";
import { parseMobile, parsePurpose, parseTimeOfDay, parseYesNo, splitList } from "./org-values.ts";

/** A cell as read: text, a list of texts (YAML lists), or nothing. */
export type RawValue = string | string[] | undefined;

/** One row of a section before validation, keyed by the English field keys of {@link ORG_SHEETS}. */
export interface RawRecord {
  loc: SourceLoc;
  fields: Record<string, RawValue>;
}

/** A person row and the duty rows that belong to it (one per row in a workbook, a list in YAML). */
export interface RawPerson extends RawRecord {
  duties: RawRecord[];
}

/** A file as read, before validation. */
export interface RawOrg {
  units: RawRecord[];
  points: RawRecord[];
  people: RawPerson[];
  categories: RawRecord[];
  chats: RawRecord[];
  patrols: RawRecord[];
}

const MAX_CODE = 64;
const MAX_TEXT = 100;
const MAX_HOURS = 8760;
const OPEN_ID = /^ou_[0-9A-Za-z_-]{8,80}$/;
const CHAT_ID = /^oc_[0-9A-Za-z_-]{8,80}$/;

/**
 * Every field key set to undefined: zod reports a key that is absent (rather than undefined) as missing even when
 * its schema accepts undefined, and "not given" must read the same whether a YAML key or a cell is left out.
 */
const ALL_BLANK: Record<string, undefined> = Object.fromEntries(
  [...Object.values(ORG_SHEETS).flatMap((s) => s.fields.map((f) => f.key)), ...DUTY_KEYS].map((k) => [k, undefined]),
);

/** The trimmed text of a cell, or undefined when it is blank. A list (from YAML) is read as its items joined. */
function textOf(v: unknown): string | undefined {
  if (Array.isArray(v)) return textOf(v.join(CELL_WORDS.listJoiner));
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

function checkedText(s: string, what: string, max: number, ctx: z.RefinementCtx): string {
  if (s.length > max) ctx.addIssue(T.tooLong(what, max));
  return s;
}

const requiredText = (what: string, max = MAX_TEXT) =>
  z.unknown().transform((v, ctx) => {
    const s = textOf(v);
    if (s === undefined) {
      ctx.addIssue(T.missing(what));
      return z.NEVER;
    }
    return checkedText(s, what, max, ctx);
  });

const optionalText = (what: string, max = MAX_TEXT) =>
  z.unknown().transform((v, ctx) => {
    const s = textOf(v);
    return s === undefined ? undefined : checkedText(s, what, max, ctx);
  });

function checkedCode(s: string, what: string, ctx: z.RefinementCtx): string {
  if (/\s/.test(s)) ctx.addIssue(T.hasSpace(what, s));
  else if (s.length > MAX_CODE) ctx.addIssue(T.tooLong(what, MAX_CODE));
  return s;
}

const requiredCode = (what: string) =>
  z.unknown().transform((v, ctx) => {
    const s = textOf(v);
    if (s === undefined) {
      ctx.addIssue(T.missing(what));
      return z.NEVER;
    }
    return checkedCode(s, what, ctx);
  });

const optionalCode = (what: string) =>
  z.unknown().transform((v, ctx) => {
    const s = textOf(v);
    return s === undefined ? undefined : checkedCode(s, what, ctx);
  });

/** A value read by `parse` (labels, synonyms, codes); blank is an error when `what` is given. */
function choice<C>(parse: (s: string) => C | null, bad: (s: string) => string, what: string) {
  return z.unknown().transform((v, ctx) => {
    const s = textOf(v);
    if (s === undefined) {
      ctx.addIssue(T.missing(what));
      return z.NEVER;
    }
    const parsed = parse(s);
    if (parsed === null) {
      ctx.addIssue(bad(s));
      return z.NEVER;
    }
    return parsed;
  });
}

function optionalChoice<C>(parse: (s: string) => C | null, bad: (s: string) => string) {
  return z.unknown().transform((v, ctx) => {
    const s = textOf(v);
    if (s === undefined) return undefined;
    const parsed = parse(s);
    if (parsed === null) {
      ctx.addIssue(bad(s));
      return z.NEVER;
    }
    return parsed;
  });
}

const yesNo = (what: string) => optionalChoice(parseYesNo, (s) => T.badYesNo(what, s));

/** A list in one cell ("a、b，c") or a YAML list; undefined when blank. */
const optionalList = z.unknown().transform((v) => {
  const items = Array.isArray(v) ? v.flatMap((item) => splitList(item)) : splitList(textOf(v) ?? "");
  return items.length === 0 ? undefined : [...new Set(items)];
});
const list = optionalList.transform((items) => items ?? []);

/** A time limit of at most a year. */
function boundedLimit(s: string): TimeLimit | null {
  const limit = parseLimit(s);
  return limit && limit.amount * (limit.unit.endsWith("_days") ? 24 : 1) <= MAX_HOURS ? limit : null;
}

const limit = optionalChoice(boundedLimit, T.badLimit);

/** "dcjd=2工作时、xhjd=4工作时": each street's own limit; "无" for none (clears them). */
const streetLimits = z.unknown().transform((v, ctx) => {
  const items = Array.isArray(v) ? v.flatMap((item) => splitList(item)) : splitList(textOf(v) ?? "");
  if (items.length === 0) return undefined;
  if (items.length === 1 && (CELL_WORDS.none as readonly string[]).includes(items[0] as string)) return [];
  const limits: OrgStreetLimit[] = [];
  for (const item of items) {
    const match = CELL_WORDS.streetLimitPattern.exec(item);
    const parsed = match ? boundedLimit(match[2] as string) : null;
    if (!match || !parsed) ctx.addIssue(T.badStreetLimit(item));
    else limits.push({ street: match[1] as string, limit: parsed });
  }
  return limits;
});

const pattern = (re: RegExp, bad: (s: string) => string, what: string) =>
  choice((s) => (re.test(s) ? s : null), bad, what);

const boundary = optionalChoice(parseAreaGeometry, T.badBoundary);

const coordinate = (what: string, max: number) =>
  optionalChoice(
    (s) => {
      const n = /^-?\d+(\.\d+)?$/.test(s) ? Number.parseFloat(s) : Number.NaN;
      return Number.isFinite(n) && Math.abs(n) <= max ? n : null;
    },
    (s) => T.badCoordinate(what, s),
  );

const unitSchema = z
  .object({
    code: requiredCode(FIELD_NAMES.unitCode),
    name: requiredText(FIELD_NAMES.unitName),
    parent: optionalCode(FIELD_NAMES.parentCode),
    level: choice(parseUnitLevel, T.badLevel, FIELD_NAMES.level),
    aliases: list,
    boundary,
  })
  .transform((u): OrgUnit => withoutUndefined({ ...u, parent: u.parent ?? null }));

const pointSchema = z
  .object({
    code: requiredCode(FIELD_NAMES.pointCode),
    name: requiredText(FIELD_NAMES.pointName),
    grid: requiredCode(FIELD_NAMES.gridCode),
    aliases: list,
    key: yesNo(FIELD_NAMES.keyPoint).transform((k) => k ?? false),
    lat: coordinate(FIELD_NAMES.lat, 90),
    long: coordinate(FIELD_NAMES.long, 180),
  })
  .superRefine((p, ctx) => {
    if ((p.lat === undefined) !== (p.long === undefined)) ctx.addIssue(T.halfPosition());
  })
  .transform((p): OrgPoint => withoutUndefined(p));

const personSchema = z
  .object({
    name: requiredText(FIELD_NAMES.personName, 40),
    open_id: pattern(OPEN_ID, T.badOpenId, "open_id"),
    mobile: optionalChoice((s) => parseMobile(s), T.badMobile),
  })
  .transform(({ name, open_id, mobile }) => ({
    openId: open_id,
    name,
    ...(mobile === undefined ? {} : { mobile }),
  }));

const dutySchema = z.object({
  unit: requiredCode(FIELD_NAMES.unitCode),
  role: choice(parseRole, T.badRole, FIELD_NAMES.role),
}) satisfies z.ZodType<OrgDuty>;

const categorySchema = z
  .object({
    code: optionalCode(FIELD_NAMES.categoryCode),
    name: optionalText(FIELD_NAMES.categoryName, 40),
    kind: optionalChoice(parseKind, T.badKind),
    class: optionalChoice(parseClass, T.badClass),
    object_type: optionalChoice(parseObjectType, T.badObjectType),
    standard_major: optionalText(FIELD_NAMES.standardMajor, 20),
    standard_minor: optionalText(FIELD_NAMES.standardMinor, 20),
    keywords: optionalList,
    limit,
    street_limits: streetLimits,
    after_photo_required: yesNo(FIELD_NAMES.afterPhoto),
    department: optionalCode(FIELD_NAMES.departmentCode),
  })
  .transform(
    (c): OrgCategory =>
      withoutUndefined({
        code: c.code,
        name: c.name,
        kind: c.kind,
        class: c.class,
        keywords: c.keywords,
        limit: c.limit,
        streetLimits: c.street_limits,
        objectType: c.object_type,
        standardMajor: c.standard_major,
        standardMinor: c.standard_minor,
        afterPhotoRequired: c.after_photo_required,
        department: c.department,
      }),
  );

const chatSchema = z
  .object({
    chat_id: pattern(CHAT_ID, T.badChatId, FIELD_NAMES.chatId),
    name: optionalText(FIELD_NAMES.chatName),
    unit: requiredCode(FIELD_NAMES.unitCode),
    purpose: choice(parsePurpose, T.badPurpose, FIELD_NAMES.purpose),
    digest_time: optionalChoice(parseTimeOfDay, T.badTime),
  })
  .transform(
    (c): OrgChat =>
      withoutUndefined({
        chatId: c.chat_id,
        name: c.name,
        unit: c.unit,
        purpose: c.purpose,
        digestTime: c.digest_time,
      }),
  );

const patrolSchema = z
  .object({
    point: requiredCode(FIELD_NAMES.pointCode),
    level: choice(parsePatrolLevel, T.badPatrolLevel, FIELD_NAMES.patrolLevel),
    frequency: choice(parsePatrolFrequency, T.badFrequency, FIELD_NAMES.frequency),
    person: optionalChoice((s) => (OPEN_ID.test(s) ? s : null), T.badOpenId),
    unit: optionalCode(FIELD_NAMES.patrolUnit),
  })
  .superRefine((p, ctx) => {
    if ((p.person === undefined) === (p.unit === undefined)) ctx.addIssue(T.patrollerOneOf());
  })
  .transform((p): OrgPatrol => withoutUndefined(p));

/** The object without its undefined properties, so "not given" is one thing (an absent key) everywhere. */
function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** What makes two plans the same line of the 分工表: the point, the level and the patroller. */
export function patrolKey(p: Pick<OrgPatrol, "point" | "level" | "person" | "unit">): string {
  return [p.point, p.level, p.person ?? "", p.unit ?? ""].join("\u0000");
}

/**
 * Validates every row of a file as read. Returns the rows that passed, typed and still located, and a problem for
 * each bad cell, duplicate code or contradiction between rows of the same person.
 */
export function parseOrgRows(raw: RawOrg): { org: ParsedOrg; problems: OrgProblem[] } {
  const problems: OrgProblem[] = [];
  const rejected = { units: new Set<string>(), people: new Set<string>() };

  function parse<S extends z.ZodType>(schema: S, record: RawRecord): z.output<S> | null {
    const result = schema.safeParse({ ...ALL_BLANK, ...record.fields });
    if (result.success) return result.data;
    for (const issue of result.error.issues) problems.push({ loc: record.loc, message: issue.message });
    return null;
  }

  /** Rows that parsed, minus those whose identity an earlier row already took. */
  function unique<V>(
    records: RawRecord[],
    schema: z.ZodType<V>,
    keys: { what: string; of: (v: V) => string | undefined }[],
    onReject?: (r: RawRecord) => void,
  ): Located<V>[] {
    const seen = keys.map(() => new Map<string, SourceLoc>());
    const out: Located<V>[] = [];
    for (const record of records) {
      const value = parse(schema, record);
      if (value === null) {
        onReject?.(record);
        continue;
      }
      let duplicate = false;
      keys.forEach((key, i) => {
        const k = key.of(value);
        const earlier = k === undefined ? undefined : seen[i]?.get(k);
        if (k !== undefined && earlier) {
          problems.push({ loc: record.loc, message: T.duplicate(key.what, k, earlier.row) });
          duplicate = true;
        }
      });
      if (duplicate) continue;
      keys.forEach((key, i) => {
        const k = key.of(value);
        if (k !== undefined) seen[i]?.set(k, record.loc);
      });
      out.push({ loc: record.loc, value });
    }
    return out;
  }

  const units = unique(raw.units, unitSchema, [{ what: FIELD_NAMES.unitCode, of: (u) => u.code }], (r) => {
    const code = textOf(r.fields.code);
    if (code) rejected.units.add(code);
  });
  const points = unique(raw.points, pointSchema, [{ what: FIELD_NAMES.pointCode, of: (p) => p.code }]);
  const categories = unique(raw.categories, categorySchema, [
    { what: FIELD_NAMES.categoryCode, of: (c) => c.code },
    { what: FIELD_NAMES.categoryName, of: (c) => c.name },
  ]).filter((c) => {
    if (c.value.code !== undefined || c.value.name !== undefined) return true;
    problems.push({ loc: c.loc, message: T.categoryNoKey() });
    return false;
  });
  const chats = unique(raw.chats, chatSchema, [{ what: FIELD_NAMES.chatId, of: (c) => c.chatId }]);
  const patrols: Located<OrgPatrol>[] = [];
  const patrolRows = new Map<string, SourceLoc>();
  for (const record of raw.patrols) {
    const patrol = parse(patrolSchema, record);
    if (patrol === null) continue;
    const key = patrolKey(patrol);
    const earlier = patrolRows.get(key);
    if (earlier) problems.push({ loc: record.loc, message: T.duplicatePatrol(patrol.point, earlier.row) });
    else {
      patrolRows.set(key, record.loc);
      patrols.push({ loc: record.loc, value: patrol });
    }
  }

  const people = new Map<string, LocatedPerson>();
  const dutyRows = new Map<string, SourceLoc>();
  for (const record of raw.people) {
    const person = parse(personSchema, record);
    const duties = record.duties.flatMap((d) => {
      const duty = parse(dutySchema, d);
      return duty === null ? [] : [{ loc: d.loc, value: duty }];
    });
    if (person === null) {
      const openId = textOf(record.fields.open_id);
      if (openId) rejected.people.add(openId);
      continue;
    }
    let entry = people.get(person.openId);
    if (!entry) {
      entry = { loc: record.loc, value: person, duties: [] };
      people.set(person.openId, entry);
    } else {
      const earlier = entry.value;
      if (earlier.name !== person.name) {
        problems.push({
          loc: record.loc,
          message: T.personConflict(FIELD_NAMES.personName, person.openId, earlier.name, person.name, entry.loc.row),
        });
      }
      if (person.mobile !== undefined) {
        if (earlier.mobile === undefined) earlier.mobile = person.mobile;
        else if (earlier.mobile !== person.mobile) {
          problems.push({
            loc: record.loc,
            message: T.personConflict(FIELD_NAMES.mobile, person.openId, earlier.mobile, person.mobile, entry.loc.row),
          });
        }
      }
    }
    for (const duty of duties) {
      const key = `${person.openId}\u0000${duty.value.unit}\u0000${duty.value.role}`;
      const earlier = dutyRows.get(key);
      if (earlier) {
        problems.push({
          loc: duty.loc,
          message: T.duplicateDuty(duty.value.unit, ROLE_LABELS[duty.value.role], earlier.row),
        });
        continue;
      }
      dutyRows.set(key, duty.loc);
      entry.duties.push(duty);
    }
  }

  return {
    org: { units, points, people: [...people.values()], categories, chats, patrols, rejected },
    problems,
  };
}
