import { readZip } from "./zip.ts";

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&apos;": "'" };

function textOf(xml: string): string {
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => (m[1] ?? "").replace(/&(lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e))
    .join("");
}

/** What a .docx says, read back from its word/document.xml: every paragraph's text, and every table's cells. */
export interface DocxContent {
  paragraphs: string[];
  /** Tables in document order, each as rows of cell texts. */
  tables: string[][][];
  /** How many pictures it embeds (word/media). */
  pictures: number;
}

/** Opens a .docx and reads its text back. */
export async function readDocx(data: Buffer): Promise<DocxContent> {
  const files = await readZip(data);
  const xml = files.get("word/document.xml")?.toString("utf8") ?? "";
  const tables = [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...(t[1] ?? "").matchAll(/<w:tr[ >]([\s\S]*?)<\/w:tr>/g)].map((r) =>
      [...(r[1] ?? "").matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => textOf(c[1] ?? "")),
    ),
  );
  const paragraphs = [...xml.matchAll(/<w:p[ >]([\s\S]*?)<\/w:p>/g)].map((p) => textOf(p[1] ?? ""));
  const pictures = [...files.keys()].filter((name) => name.startsWith("word/media/") && !name.endsWith("/")).length;
  return { paragraphs, tables, pictures };
}
