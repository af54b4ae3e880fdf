/**
 * Reads an organisation file written in YAML into raw rows that remember their line numbers. Every scalar is read
 * as text (YAML's failsafe schema), so codes like 001, times like 18:00 and mobiles keep exactly what was typed.
 */

import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, type YAMLMap } from "yaml";
import { T } from "../texts/org.ts";
import { ORG_SECTIONS, type OrgProblem, type OrgSection, type SourceLoc } from "./org-data.ts";
import { DUTY_KEYS, ORG_SHEETS, PERSON_YAML_KEYS } from "./org-fields.ts";
import type { RawOrg, RawPerson, RawRecord, RawValue } from "./parse-org-rows.ts";

/** Splits YAML text into raw rows per section, with a problem for anything that is not shaped like an org file. */
export function readOrgYaml(text: string, file: string): { raw: RawOrg; problems: OrgProblem[] } {
  const raw: RawOrg = { units: [], points: [], people: [], categories: [], chats: [], patrols: [] };
  const problems: OrgProblem[] = [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, schema: "failsafe", prettyErrors: false, uniqueKeys: true });

  const lineOf = (node: Node | Pair | null | undefined): number | undefined => {
    const start = node && "range" in node ? node.range?.[0] : undefined;
    return start === undefined ? undefined : lines.linePos(start).line;
  };
  const at = (section: OrgSection | undefined, row: number | undefined): SourceLoc => ({
    file,
    ...(section ? { section, sheet: section } : {}),
    ...(row === undefined ? {} : { row }),
  });

  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({ loc: at(undefined, lines.linePos(error.pos[0]).line), message: T.yamlSyntax(error.message) });
    }
    return { raw, problems };
  }
  const top = doc.contents;
  if (top === null || (isScalar(top) && textOf(top.value) === undefined)) {
    problems.push({ loc: at(undefined, undefined), message: T.fileEmpty() });
    return { raw, problems };
  }
  if (!isMap(top)) {
    problems.push({ loc: at(undefined, lineOf(top)), message: T.yamlTopLevel() });
    return { raw, problems };
  }

  /** The fields of one list item, checking that every key is one the section knows. */
  function fieldsOf(
    map: YAMLMap,
    section: OrgSection,
    allowed: readonly string[],
    nested: (key: string, node: Node) => void = () => {},
  ): Record<string, RawValue> {
    const fields: Record<string, RawValue> = {};
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const value = pair.value as Node | null;
      const loc = at(section, lineOf(pair.key as Node) ?? lineOf(map));
      if (!allowed.includes(key)) {
        problems.push({ loc, message: T.yamlUnknownKey(key, allowed) });
      } else if (key === "duties") {
        if (value !== null) nested(key, value);
      } else if (value === null || isScalar(value)) {
        fields[key] = value === null ? undefined : textOf(value.value);
      } else if (isSeq(value) && value.items.every(isScalar)) {
        fields[key] = value.items.flatMap((item) => {
          const t = isScalar(item) ? textOf(item.value) : undefined;
          return t === undefined ? [] : [t];
        });
      } else {
        problems.push({ loc, message: isSeq(value) ? T.yamlNotTextList(key) : T.yamlNotScalar(key) });
      }
    }
    return fields;
  }

  for (const pair of top.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const keyLine = lineOf(pair.key as Node);
    const section = ORG_SECTIONS.find((s) => s === key);
    if (!section) {
      problems.push({ loc: at(undefined, keyLine), message: T.yamlUnknownSection(key) });
      continue;
    }
    const value = pair.value as Node | null;
    if (value === null || (isScalar(value) && textOf(value.value) === undefined)) continue;
    if (!isSeq(value)) {
      problems.push({ loc: at(section, keyLine), message: T.yamlNotList(key) });
      continue;
    }
    const allowed = section === "people" ? PERSON_YAML_KEYS : ORG_SHEETS[section].fields.map((f) => f.key);
    for (const item of value.items as (Node | null)[]) {
      const loc = at(section, lineOf(item) ?? keyLine);
      if (!isMap(item)) {
        problems.push({ loc, message: T.yamlItemNotMap() });
        continue;
      }
      if (section !== "people") {
        raw[section].push({ loc, fields: fieldsOf(item, section, allowed) });
        continue;
      }
      const person: RawPerson = { loc, fields: {}, duties: [] };
      person.fields = fieldsOf(item, section, allowed, (dutiesKey, node) => {
        if (!isSeq(node)) {
          problems.push({ loc: at(section, lineOf(node)), message: T.yamlNotList(dutiesKey) });
          return;
        }
        for (const duty of node.items as (Node | null)[]) {
          const dutyLoc = at(section, lineOf(duty) ?? loc.row);
          if (!isMap(duty)) problems.push({ loc: dutyLoc, message: T.yamlItemNotMap() });
          else person.duties.push({ loc: dutyLoc, fields: fieldsOf(duty, section, DUTY_KEYS) } satisfies RawRecord);
        }
      });
      raw.people.push(person);
    }
  }
  return { raw, problems };
}

function textOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const t = String(value).trim();
  return t === "" ? undefined : t;
}
