/**
 * The subset of AWS Glue's `Table` shape the kit uses
 * (https://docs.aws.amazon.com/glue/latest/webapi/API_Table.html). The local catalog stores
 * exactly this shape, so code reading a table never knows which backend produced it.
 */
export interface GlueColumn {
  Name: string;
  Type: string;
  Comment?: string;
}

export interface GlueTable {
  Name: string;
  DatabaseName?: string;
  CreateTime?: Date | string;
  UpdateTime?: Date | string;
  TableType?: string;
  Parameters?: Record<string, string>;
  StorageDescriptor: {
    Columns: GlueColumn[];
    /** s3://bucket/prefix/ of the dataset folder. */
    Location: string;
    InputFormat?: string;
    OutputFormat?: string;
    SerdeInfo?: { SerializationLibrary?: string; Parameters?: Record<string, string> };
    Compressed?: boolean;
    NumberOfBuckets?: number;
    StoredAsSubDirectories?: boolean;
    Parameters?: Record<string, string>;
  };
  PartitionKeys?: GlueColumn[];
  Description?: string;
  Owner?: string;
  CatalogId?: string;
  VersionId?: string;
}

export interface CrawlResult {
  /** Final crawl status: SUCCEEDED (FAILED/CANCELLED throw OperationFailedError). */
  status: string;
  tables: GlueTable[];
}

/** The kit's catalog contract: the Glue Data Catalog + crawler, or the local file catalog. */
export interface Catalog {
  readonly name: string;
  /** Glue database holding the tables. */
  readonly database: string;
  /** Prefix of crawled table names (`poc_identity_graph_`): table = prefix + dataset folder. */
  readonly tablePrefix: string;
  /**
   * Crawls every source dataset folder — initial (`<prefix><dataset>`) and incremental
   * (`<prefix>incremental_<dataset>`, batch as `partition_0`) — and waits for the crawl (one
   * already running is waited for, not an error). Returns every table of the database.
   */
  crawl(options?: { timeoutMs?: number; onProgress?: (state: string) => void }): Promise<CrawlResult>;
  listTables(): Promise<GlueTable[]>;
  /** NotFoundError when the table does not exist. */
  getTable(name: string): Promise<GlueTable>;
  /** Replaces a table definition (Glue UpdateTable semantics: only TableInput fields). */
  updateTable(table: GlueTable): Promise<void>;
}
