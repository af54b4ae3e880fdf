import { access, readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { T } from "../texts/org.ts";
import { type OrgProblem, orgRowCount, type ParsedOrg } from "./org-data.ts";
import { parseOrgRows, type RawOrg } from "./parse-org-rows.ts";
import { readOrgWorkbook } from "./read-org-workbook.ts";
import { readOrgYaml } from "./read-org-yaml.ts";

/**
 * Reads an organisation file (.yaml/.yml or .xlsx, chosen by extension) and validates it row by row. Never throws
 * for a bad file: a missing, unreadable or malformed file comes back as problems, each naming the file (and the
 * sheet and row where there is one). References between rows and to the database are not checked here.
 */
export async function readOrgFile(path: string): Promise<{ org: ParsedOrg; problems: OrgProblem[] }> {
  const file = basename(path);
  const ext = extname(path).toLowerCase();
  const fail = (message: string) => ({
    org: parseOrgRows({ units: [], points: [], people: [], categories: [], chats: [], patrols: [] }).org,
    problems: [{ loc: { file }, message }],
  });
  if (![".yaml", ".yml", ".xlsx"].includes(ext)) return fail(T.fileUnsupported());
  try {
    await access(path);
  } catch {
    return fail(T.fileNotFound());
  }

  let read: { raw: RawOrg; problems: OrgProblem[] };
  if (ext === ".xlsx") {
    read = await readOrgWorkbook(path, file);
  } else {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      return fail(T.fileNotFound());
    }
    read = readOrgYaml(text.replace(/^\uFEFF/, ""), file);
  }

  const parsed = parseOrgRows(read.raw);
  const problems = [...read.problems, ...parsed.problems];
  const { org } = parsed;
  const rows = orgRowCount(org);
  if (problems.length === 0 && rows === 0) problems.push({ loc: { file }, message: T.fileEmpty() });
  return { org, problems };
}
