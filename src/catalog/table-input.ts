import type { GlueTable } from './catalog-types.js';

/**
 * The fields `TableInput` accepts (https://docs.aws.amazon.com/glue/latest/webapi/API_TableInput.html).
 * GetTable returns more — CreateTime, UpdateTime, DatabaseName, CatalogId, VersionId,
 * CreatedBy, IsRegisteredWithLakeFormation, IsMultiDialectView, FederatedTable, ... — which
 * UpdateTable rejects, so a table read back must be reduced to these before it is written.
 */
export const TABLE_INPUT_FIELDS = [
  'Name',
  'Description',
  'Owner',
  'LastAccessTime',
  'LastAnalyzedTime',
  'Retention',
  'StorageDescriptor',
  'PartitionKeys',
  'ViewOriginalText',
  'ViewExpandedText',
  'TableType',
  'Parameters',
  'TargetTable',
  'ViewDefinition',
] as const;

/** What UpdateTable / CreateTable take: a table with only the TableInput fields. */
export type GlueTableInput = Pick<GlueTable, 'Name' | 'StorageDescriptor'> & Partial<Omit<GlueTable, 'CreateTime' | 'UpdateTime' | 'DatabaseName' | 'CatalogId' | 'VersionId'>>;

/** Reduces a table (as GetTable returns it) to a TableInput: only accepted fields, deep-copied. */
export function toTableInput(table: GlueTable): GlueTableInput {
  const source = table as unknown as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const field of TABLE_INPUT_FIELDS) {
    if (source[field] !== undefined) input[field] = structuredClone(source[field]);
  }
  return input as unknown as GlueTableInput;
}
