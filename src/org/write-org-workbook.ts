import type { Worksheet } from "exceljs";
import {
  CLASS_LABELS,
  KIND_LABELS,
  limitLabel,
  OBJECT_TYPE_LABELS,
  PATROL_FREQUENCY_LABELS,
  PATROL_LEVEL_LABELS,
  ROLE_LABELS,
  UNIT_LEVEL_LABELS,
} from "../texts/labels.ts";
import { CELL_WORDS, PURPOSE_LABELS, WORKBOOK_CREATOR, WORKBOOK_GUIDE, WORKBOOK_GUIDE_SHEET } from "../texts/org.ts";
import { ORG_SECTIONS, type OrgData, type OrgSection } from "./org-data.ts";
import { ORG_SHEETS } from "./org-fields.ts";

type Cell = string | number;

const yesNo = (v: boolean | undefined): string => (v === undefined ? "" : CELL_WORDS.yesNo(v));
const joined = (items: readonly string[] | undefined): string => (items ?? []).join(CELL_WORDS.listJoiner);
const YES_NO = [CELL_WORDS.yesNo(true), CELL_WORDS.yesNo(false)];

/** The rows of each sheet, in the column order of {@link ORG_SHEETS}. */
function rowsOf(org: OrgData): Record<OrgSection, Cell[][]> {
  return {
    units: org.units.map((u) => [
      u.code,
      u.name,
      u.parent ?? "",
      UNIT_LEVEL_LABELS[u.level],
      joined(u.aliases),
      u.boundary ? JSON.stringify(u.boundary) : "",
    ]),
    points: org.points.map((p) => [p.code, p.name, p.grid, joined(p.aliases), yesNo(p.key), p.lat ?? "", p.long ?? ""]),
    people: org.people.flatMap((p) => {
      const person = [p.name, p.openId, p.mobile ?? ""];
      if (p.duties.length === 0) return [[...person, "", ""]];
      return p.duties.map((d) => [...person, d.unit, ROLE_LABELS[d.role]]);
    }),
    categories: org.categories.map((c) => [
      c.code ?? "",
      c.name ?? "",
      c.kind === undefined ? "" : KIND_LABELS[c.kind],
      c.objectType === undefined ? "" : OBJECT_TYPE_LABELS[c.objectType],
      c.class === undefined ? "" : CLASS_LABELS[c.class],
      c.standardMajor ?? "",
      c.standardMinor ?? "",
      joined(c.keywords),
      c.limit === undefined ? "" : limitLabel(c.limit),
      joined(c.streetLimits?.map((l) => CELL_WORDS.streetLimit(l.street, limitLabel(l.limit)))),
      yesNo(c.afterPhotoRequired),
      c.department ?? "",
    ]),
    chats: org.chats.map((c) => [c.chatId, c.name ?? "", c.unit, PURPOSE_LABELS[c.purpose], c.digestTime ?? ""]),
    patrols: org.patrols.map((p) => [
      p.point,
      PATROL_LEVEL_LABELS[p.level],
      PATROL_FREQUENCY_LABELS[p.frequency],
      p.person ?? "",
      p.unit ?? "",
    ]),
  };
}

/** Drop-down suggestions per column key; typing something else (a synonym such as 书记) is still allowed. */
const CHOICES: Readonly<Partial<Record<OrgSection, Readonly<Record<string, readonly string[]>>>>> = {
  units: { level: Object.values(UNIT_LEVEL_LABELS) },
  points: { key: YES_NO },
  people: { role: Object.values(ROLE_LABELS) },
  categories: {
    kind: Object.values(KIND_LABELS),
    object_type: Object.values(OBJECT_TYPE_LABELS),
    class: Object.values(CLASS_LABELS),
    limit: CELL_WORDS.limitSuggestions,
    after_photo_required: YES_NO,
  },
  chats: { purpose: Object.values(PURPOSE_LABELS) },
  patrols: { level: Object.values(PATROL_LEVEL_LABELS), frequency: Object.values(PATROL_FREQUENCY_LABELS) },
};

/** Blank rows below the data that still get the drop-downs, so the workbook works as a template. */
const TEMPLATE_ROWS = 200;

function fillSheet(sheet: Worksheet, section: OrgSection, rows: Cell[][]): void {
  const fields = ORG_SHEETS[section].fields;
  // Text format everywhere, so Excel keeps codes like 001, mobiles and 18:00 exactly as typed.
  sheet.columns = fields.map((f) => ({ header: f.header, key: f.key, width: f.width, style: { numFmt: "@" } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  // Blank cells stay truly empty rather than holding an empty string.
  for (const row of rows) sheet.addRow(row.map((cell) => (cell === "" ? null : cell)));

  const choices = CHOICES[section] ?? {};
  fields.forEach((f, i) => {
    const options = choices[f.key];
    if (!options) return;
    const column = sheet.getColumn(i + 1);
    for (let r = 2; r <= rows.length + 1 + TEMPLATE_ROWS; r++) {
      sheet.getCell(r, column.number).dataValidation = {
        type: "list",
        allowBlank: true,
        showErrorMessage: false,
        formulae: [`"${options.join(",")}"`],
      };
    }
  });
}

/**
 * Writes an organisation as an .xlsx workbook in the import format: one sheet per section with the Chinese headers
 * the import reads (单位, 点位, 人员, 问题类别, 群绑定, 点位包干), Chinese labels for levels, roles, kinds, classes and purposes,
 * drop-downs for those columns, and a 填写说明 sheet. Importing the workbook gives the same data back, so with an
 * empty organisation it is the blank template.
 */
export async function writeOrgWorkbook(org: OrgData, path: string): Promise<void> {
  const { default: Excel } = await import("exceljs");
  const workbook = new Excel.Workbook();
  workbook.creator = WORKBOOK_CREATOR;
  const rows = rowsOf(org);
  for (const section of ORG_SECTIONS) {
    fillSheet(workbook.addWorksheet(ORG_SHEETS[section].sheet), section, rows[section]);
  }
  const guide = workbook.addWorksheet(WORKBOOK_GUIDE_SHEET);
  guide.getColumn(1).width = 110;
  for (const line of WORKBOOK_GUIDE) guide.addRow([line]);
  guide.getRow(1).font = { bold: true, size: 14 };
  await workbook.xlsx.writeFile(path);
}
