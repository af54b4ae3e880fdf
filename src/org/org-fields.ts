/**
 * The columns of each section of an organisation file: the English key used in YAML, the Chinese header a street
 * office writes in the workbook, and other headers accepted for the same column (the words are in texts/org.ts).
 * Readers and the workbook writer share this table so the two formats cannot drift apart.
 */

import { WORKBOOK_WORDS } from "../texts/org.ts";
import type { OrgSection } from "./org-data.ts";

/** One column of a section. */
export interface OrgField {
  /** Key in YAML and in the raw records. */
  key: string;
  /** Header in the workbook, as written by {@link writeOrgWorkbook}. */
  header: string;
  /** Further headers read as this column (compared after normalizeText). */
  aliases: readonly string[];
  /** Whether a workbook sheet must have this column. */
  required: boolean;
  /** Column width in the workbook, in characters. */
  width: number;
}

/** A section (keyed in ORG_SHEETS by its key in YAML): its sheet name in the workbook and its columns. */
export interface OrgSheet {
  sheet: string;
  /** Other sheet names read as this section. */
  sheetAliases: readonly string[];
  fields: readonly OrgField[];
}

type Words = typeof WORKBOOK_WORDS;

/** A column: its header and further headers from the texts, its width and whether a sheet must have it. */
function field<S extends OrgSection>(
  section: S,
  key: Exclude<keyof Words[S], "sheet"> & string,
  width: number,
  required: boolean,
): OrgField {
  const [header, ...aliases] = WORKBOOK_WORDS[section][key] as readonly string[];
  return { key, header: header as string, aliases, required, width };
}

/** A section: its sheet names from the texts (its YAML key is read as a sheet name too), and its columns. */
function sheet(section: OrgSection, fields: readonly OrgField[]): OrgSheet {
  const [name, ...aliases] = WORKBOOK_WORDS[section].sheet;
  return { sheet: name, sheetAliases: [...aliases, section], fields };
}

/** Every section of an organisation file, in reading order. */
export const ORG_SHEETS: Readonly<Record<OrgSection, OrgSheet>> = {
  units: sheet("units", [
    field("units", "code", 16, true),
    field("units", "name", 22, true),
    field("units", "parent", 16, false),
    field("units", "level", 10, true),
    field("units", "aliases", 30, false),
    field("units", "boundary", 30, false),
  ]),
  points: sheet("points", [
    field("points", "code", 16, true),
    field("points", "name", 26, true),
    field("points", "grid", 16, true),
    field("points", "aliases", 30, false),
    field("points", "key", 10, false),
    field("points", "lat", 12, false),
    field("points", "long", 12, false),
  ]),
  people: sheet("people", [
    field("people", "name", 10, true),
    field("people", "open_id", 40, true),
    field("people", "mobile", 14, false),
    field("people", "unit", 16, false),
    field("people", "role", 12, false),
  ]),
  categories: sheet("categories", [
    field("categories", "code", 22, false),
    field("categories", "name", 22, false),
    field("categories", "kind", 10, false),
    field("categories", "object_type", 10, false),
    field("categories", "class", 10, false),
    field("categories", "standard_major", 12, false),
    field("categories", "standard_minor", 16, false),
    field("categories", "keywords", 50, false),
    field("categories", "limit", 12, false),
    field("categories", "street_limits", 30, false),
    field("categories", "after_photo_required", 12, false),
    field("categories", "department", 16, false),
  ]),
  chats: sheet("chats", [
    field("chats", "chat_id", 40, true),
    field("chats", "name", 26, false),
    field("chats", "unit", 16, true),
    field("chats", "purpose", 10, true),
    field("chats", "digest_time", 10, false),
  ]),
  patrols: sheet("patrols", [
    field("patrols", "point", 16, true),
    field("patrols", "level", 10, true),
    field("patrols", "frequency", 10, true),
    field("patrols", "person", 40, false),
    field("patrols", "unit", 16, false),
  ]),
};

/** YAML keys of a person's duty entries (`duties: [{unit, role}]`). */
export const DUTY_KEYS: readonly string[] = ["unit", "role"];

/** YAML keys of a person entry: the person's own columns, and their duties as a list. */
export const PERSON_YAML_KEYS: readonly string[] = ["name", "open_id", "mobile", "duties"];
