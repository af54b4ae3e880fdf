/**
 * What the database tools say to the operator: why a migration or a move to PostgreSQL stopped, and the progress of
 * a move. Each refusal says what happened and what to do.
 */

export const DATABASE_TEXTS = {
  migrationChanged: (migration: string) =>
    `数据库升级 ${migration} 已经执行过，但它的脚本后来被改动了（校验和不符），日清拒绝继续升级。` +
    "已执行的升级脚本不能修改：请恢复原来的脚本，把改动写成一个新的升级。",
  migrationFailed: (migration: string, cause: string) =>
    `数据库升级 ${migration} 失败，已整体回滚，数据库保持升级前的样子：${cause}`,
  /** `links` are the broken references as "table → parent". */
  migrationBrokeReferences: (migration: string, rows: number, links: readonly string[]) =>
    `数据库升级 ${migration} 已回滚：升级后有 ${rows} 行数据引用了不存在的记录（${links.join("、")}）。` +
    "请检查这个迁移脚本，修正后重新运行 riqing migrate。",
  targetNotEmpty: (tables: readonly { name: string; rows: number }[]) =>
    `目标数据库不是空的（${tables.map((t) => `${t.name} 有 ${t.rows} 行`).join("、")}），为免覆盖已有数据，` +
    "没有复制任何内容。请换一个新建的空数据库。",
  sourceNotMigrated: (pending: readonly string[]) =>
    `源数据库还有 ${pending.length} 个升级未执行（${pending.join("、")}）。请先用原来的配置运行 riqing migrate，再迁移。`,
  moveMismatch: (table: string) => `复制后 ${table} 表与源数据库不一致，已全部撤销，目标数据库保持为空。`,
  tableCopied: (table: string, rows: number) => `  ${table}：已复制 ${rows} 行`,
} as const;
