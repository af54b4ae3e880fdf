/**
 * Pictures anchored to cells of a sheet written by exceljs's streaming writer, which has no drawings of its own (only a
 * background picture): each picture is added to the workbook's media as exceljs does, and at the end of the sheet a
 * drawing part is written that places them, wired in as Excel expects — the sheet's `<drawing>` element and its
 * relationship, the drawing and its relationships to the media, and the drawing's content type.
 *
 * This reaches into exceljs 4.4's streaming writer in four places, all in {@link SheetPictures.finish} and
 * {@link registerDrawing}: the sheet's relationships writer (`_sheetRelsWriter.addRelationship`, as exceljs adds a
 * background picture), the point where it writes `<legacyDrawing>` (`_writeLegacyData`: `<drawing>` comes just
 * before it in the schema), the workbook's zip (`zip.append`, as exceljs adds its own parts) and the
 * `[Content_Types].xml` it appends at commit. test/reports/ledger-print.test.ts reads the pictures back with exceljs
 * and renders the workbook with LibreOffice, so a change there fails loudly.
 */

import type ExcelJS from "exceljs";
import type { Worksheet } from "exceljs";

type Book = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

/** exceljs internals this module relies on (see the top of the file). */
interface StreamingSheet {
  _sheetRelsWriter: { addRelationship(rel: { Target: string; Type: string }): string };
  _writeLegacyData(): void;
  stream: { write(text: string): unknown };
}
interface StreamingBook {
  zip: { append(source: unknown, data: { name: string }): unknown };
}

const DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing";
const IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
const DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml";
/** EMUs (the drawing unit) per centimetre. */
const EMU_PER_CM = 360_000;

/** Drawing parts registered per workbook, for naming them and for the content types. */
const drawings = new WeakMap<Book, string[]>();

/** One picture: the workbook's media id, the cell it sits in (0-based) and its size. */
interface Placed {
  imageId: number;
  name: string;
  col: number;
  row: number;
  widthCm: number;
  heightCm: number;
  offsetCm: number;
}

/** The pictures of one streamed sheet; {@link finish} must be called before the sheet is committed. */
export class SheetPictures {
  private readonly placed: Placed[] = [];

  constructor(
    private readonly book: Book,
    private readonly sheet: Worksheet,
  ) {}

  /** Adds a PNG in the cell at (`col`, `row`), both 0-based, `offsetCm` in from its top left corner. */
  add(png: Buffer, cell: { col: number; row: number }, size: { widthCm: number; heightCm: number; offsetCm: number }) {
    const imageId = this.book.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: "png" });
    this.placed.push({ imageId, name: `picture${this.placed.length + 1}`, ...cell, ...size });
  }

  /** Writes the drawing part and wires it to the sheet; nothing when no picture was added. */
  finish(): void {
    if (this.placed.length === 0) return;
    const name = registerDrawing(this.book);
    const sheet = this.sheet as unknown as StreamingSheet;
    const rId = sheet._sheetRelsWriter.addRelationship({ Target: `../drawings/${name}.xml`, Type: DRAWING_REL });
    const writeLegacyData = sheet._writeLegacyData.bind(sheet);
    sheet._writeLegacyData = () => {
      sheet.stream.write(`<drawing r:id="${rId}"/>`);
      writeLegacyData();
    };
    const zip = (this.book as unknown as StreamingBook).zip;
    zip.append(drawingXml(this.placed), { name: `xl/drawings/${name}.xml` });
    zip.append(drawingRels(this.placed, this.book), { name: `xl/drawings/_rels/${name}.xml.rels` });
  }
}

/**
 * Names the next drawing part of the workbook ("drawing1", …) and, the first time, makes the workbook's
 * `[Content_Types].xml` (appended at commit) declare every drawing part.
 */
function registerDrawing(book: Book): string {
  let names = drawings.get(book);
  if (!names) {
    const registered: string[] = [];
    names = registered;
    drawings.set(book, registered);
    const zip = (book as unknown as StreamingBook).zip;
    const append = zip.append.bind(zip);
    zip.append = (source, data) => {
      if (data.name !== "[Content_Types].xml" || typeof source !== "string") return append(source, data);
      const overrides = registered
        .map((n) => `<Override PartName="/xl/drawings/${n}.xml" ContentType="${DRAWING_TYPE}"/>`)
        .join("");
      return append(source.replace("</Types>", `${overrides}</Types>`), data);
    };
  }
  const name = `drawing${names.length + 1}`;
  names.push(name);
  return name;
}

const emu = (cm: number) => Math.round(cm * EMU_PER_CM);

function drawingXml(placed: readonly Placed[]): string {
  const anchors = placed.map((p, i) => {
    const [cx, cy, off] = [emu(p.widthCm), emu(p.heightCm), emu(p.offsetCm)];
    return (
      `<xdr:oneCellAnchor><xdr:from><xdr:col>${p.col}</xdr:col><xdr:colOff>${off}</xdr:colOff>` +
      `<xdr:row>${p.row}</xdr:row><xdr:rowOff>${off}</xdr:rowOff></xdr:from><xdr:ext cx="${cx}" cy="${cy}"/>` +
      `<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="${i + 2}" name="${p.name}"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/>` +
      `</xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId${i + 1}"/><a:stretch><a:fillRect/></a:stretch>` +
      `</xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm>` +
      `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>`
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"' +
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"' +
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `${anchors.join("")}</xdr:wsDr>`
  );
}

function drawingRels(placed: readonly Placed[], book: Book): string {
  const rels = placed.map((p, i) => {
    const medium = book.getImage(p.imageId) as unknown as { name: string };
    return `<Relationship Id="rId${i + 1}" Type="${IMAGE_REL}" Target="../media/${medium.name}"/>`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `${rels.join("")}</Relationships>`
  );
}
