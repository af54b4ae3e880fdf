/**
 * The organisation an import file describes (units, points, people with their duties, categories, chat bindings,
 * patrol plans),
 * once parsed and validated row by row. Both file formats (YAML and .xlsx) are read into these types, so everything
 * after reading — cross-checks, writing to the database, writing a workbook — is format-blind.
 */

import type { TimeLimit } from "../domain/deadline.ts";
import type { AreaGeometry } from "../domain/geo.ts";
import type {
  CategoryClass,
  CategoryKind,
  ChatPurpose,
  ObjectType,
  PatrolFrequency,
  PatrolLevel,
  Role,
  UnitLevel,
} from "../domain/types.ts";

/** The sections of an import file, in the order they are read, checked and reported. */
export const ORG_SECTIONS = ["units", "points", "people", "categories", "chats", "patrols"] as const;
export type OrgSection = (typeof ORG_SECTIONS)[number];

/** Where a row came from, for messages: the file, the sheet (or YAML section) and the 1-based row (or line). */
export interface SourceLoc {
  /** File name as the user knows it (no directories). */
  file: string;
  section?: OrgSection;
  /** The .xlsx sheet name (单位, 人员…) or the YAML key (units, people…). */
  sheet?: string;
  /** Excel row number (the header is row 1) or YAML line number. */
  row?: number;
}

/** One thing wrong with an import file, with a Chinese reason. */
export interface OrgProblem {
  loc: SourceLoc;
  message: string;
}

/** A parsed value and the row it came from. */
export interface Located<T> {
  loc: SourceLoc;
  value: T;
}

/** A unit of the tree or a department. `parent` is a unit code (in the file or already in the database). */
export interface OrgUnit {
  code: string;
  name: string;
  level: UnitLevel;
  parent: string | null;
  aliases: string[];
  /** The area's outline for the board's map; a missing one leaves the stored outline as it is. */
  boundary?: AreaGeometry;
}

/** A named place in a grid; `grid` is the code of a grid or microgrid unit. */
export interface OrgPoint {
  code: string;
  name: string;
  grid: string;
  aliases: string[];
  key: boolean;
  /** Where it is (WGS84); given together or not at all; missing ones leave the stored position as it is. */
  lat?: number;
  long?: number;
}

/** One duty of a person: a role on a unit (by code). */
export interface OrgDuty {
  unit: string;
  role: Role;
}

/** A person by open_id. A missing mobile leaves the stored one as it is. */
export interface OrgPerson {
  openId: string;
  name: string;
  mobile?: string;
  duties: OrgDuty[];
}

/**
 * A category to add or to change. It is found by code, else by name; fields left out keep their current value
 * (or, for a new category, take the catalogue's defaults).
 */
export interface OrgCategory {
  code?: string;
  name?: string;
  kind?: CategoryKind;
  class?: CategoryClass;
  keywords?: string[];
  /** The time allowed to rectify. */
  limit?: TimeLimit;
  /** The streets that set their own time limit; given, it replaces every street's own limit for the category. */
  streetLimits?: OrgStreetLimit[];
  objectType?: ObjectType;
  standardMajor?: string;
  standardMinor?: string;
  afterPhotoRequired?: boolean;
  /** Code of a department unit. */
  department?: string;
}

/** A street's own time limit for a category: the street by unit code. */
export interface OrgStreetLimit {
  street: string;
  limit: TimeLimit;
}

/** A Lark group bound to a unit. A missing name or digest time keeps the stored one (new bindings: none, 18:00). */
export interface OrgChat {
  chatId: string;
  name?: string;
  unit: string;
  purpose: ChatPurpose;
  /** HH:mm, zero-padded. */
  digestTime?: string;
}

/**
 * One line of the 点位包干分工表: a point (by code) patrolled at a level and a frequency by a person (open_id) or a unit
 * (code) — exactly one of the two.
 */
export interface OrgPatrol {
  point: string;
  level: PatrolLevel;
  frequency: PatrolFrequency;
  person?: string;
  unit?: string;
}

/** A whole organisation file, format-independent; what {@link writeOrgWorkbook} writes. */
export interface OrgData {
  units: OrgUnit[];
  points: OrgPoint[];
  people: OrgPerson[];
  categories: OrgCategory[];
  chats: OrgChat[];
  patrols: OrgPatrol[];
}

/** A person as read: the first row that named them, and each duty with its own row. */
export interface LocatedPerson {
  loc: SourceLoc;
  value: Omit<OrgPerson, "duties">;
  duties: Located<OrgDuty>[];
}

/** An organisation file after row-by-row validation, every value still knowing its row. */
export interface ParsedOrg {
  units: Located<OrgUnit>[];
  points: Located<OrgPoint>[];
  people: LocatedPerson[];
  categories: Located<OrgCategory>[];
  chats: Located<OrgChat>[];
  patrols: Located<OrgPatrol>[];
  /** Unit codes and open_ids of rows that were rejected, so references to them are not reported a second time. */
  rejected: { units: Set<string>; people: Set<string> };
}

/** How many rows of every section a parsed file holds. */
export function orgRowCount(org: ParsedOrg): number {
  return ORG_SECTIONS.reduce((n, section) => n + org[section].length, 0);
}

/** Drops the row positions: the plain organisation, e.g. to write it out as a workbook. */
export function toOrgData(parsed: ParsedOrg): OrgData {
  return {
    units: parsed.units.map((u) => u.value),
    points: parsed.points.map((p) => p.value),
    people: parsed.people.map((p) => ({ ...p.value, duties: p.duties.map((d) => d.value) })),
    categories: parsed.categories.map((c) => c.value),
    chats: parsed.chats.map((c) => c.value),
    patrols: parsed.patrols.map((p) => p.value),
  };
}
