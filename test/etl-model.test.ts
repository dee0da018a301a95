import { describe, expect, it } from 'vitest';
import {
  GRAPH_MODEL,
  buildTransformSql,
  checkGremlinCsvHeader,
  listLookupDatasets,
  listModelColumns,
  toViewColumnName,
  validateGraphModel,
  type GraphModel,
} from '../src/etl/index.js';
import { DATASET_COLUMNS } from '../src/datagen/dataset-schema.js';

const clone = (): GraphModel => structuredClone(GRAPH_MODEL);

describe('GRAPH_MODEL', () => {
  it('declares the labels of DESIGN §4, with a distinct label for the user-agent edge', () => {
    expect(GRAPH_MODEL.vertices.map((v) => v.label)).toEqual([
      'User', 'Email', 'PhoneNumber', 'CustomerID', 'PostCode', 'City', 'Country', 'LoyaltyLevel',
      'Product', 'ProductCategory', 'Cookie', 'SessionID', 'ClientIP', 'DomainName', 'DeviceID', 'UserAgent',
    ]);
    const edges = GRAPH_MODEL.edges.map((e) => `${e.from.map((f) => f.label).join('|')}-${e.label}->${e.to.map((t) => t.label).join('|')}`);
    expect(edges).toEqual([
      'User-hasEmail->Email', 'User-hasPhone->PhoneNumber', 'User-hasExternalId->CustomerID', 'User-hasPostCodeAddress->PostCode',
      'User-hasCityAddress->City', 'City-inCountry->Country', 'User-hasLoyaltyLevel->LoyaltyLevel', 'Email|CustomerID-hasPurchased->Product',
      'Product-inCategory->ProductCategory', 'SessionID-hasCookie->Cookie', 'Cookie-loggedAs->User', 'SessionID-loggedAs->User',
      'SessionID-lastSeenAtIP->ClientIP', 'SessionID-lastSeenAtDomain->DomainName', 'SessionID-usedDevice->DeviceID', 'SessionID-usedUserAgent->UserAgent',
    ]);
    // Every vertex label has its own id prefix.
    expect(new Set(GRAPH_MODEL.vertices.map((v) => v.idPrefix)).size).toBe(GRAPH_MODEL.vertices.length);
  });

  it('reads only columns the source datasets have, postcodes as strings', () => {
    for (const [dataset, columns] of listModelColumns(GRAPH_MODEL)) {
      const known = (DATASET_COLUMNS as Record<string, readonly string[]>)[dataset]!;
      for (const column of columns.keys()) expect(known, `${dataset}.${column}`).toContain(column);
    }
    expect(listModelColumns(GRAPH_MODEL).get('first_party')!.get('postcode')).toBe('String');
    expect(listLookupDatasets(GRAPH_MODEL)).toEqual(['first_party']);
  });

  it('survives a JSON round trip (the form the Glue job receives) unchanged', () => {
    const copy = JSON.parse(JSON.stringify(GRAPH_MODEL)) as GraphModel;
    expect(copy).toEqual(GRAPH_MODEL);
    expect(buildTransformSql(copy)).toEqual(buildTransformSql(GRAPH_MODEL));
  });
});

describe('validateGraphModel', () => {
  const rejects = (edit: (m: GraphModel) => void, pattern: RegExp) => {
    const model = clone();
    edit(model);
    let error: Error | undefined;
    try {
      validateGraphModel(model);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('InvalidInputError');
    expect(error?.message).toMatch(pattern);
  };

  it('accepts the kit model', () => expect(() => validateGraphModel(GRAPH_MODEL)).not.toThrow());
  it('rejects a label that could break out of a SQL literal', () =>
    rejects((m) => void (m.vertices[0]!.label = "User'; DROP"), /vertex label "User'; DROP" must match/));
  it('rejects an edge to an undeclared vertex label', () =>
    rejects((m) => void (m.edges[0]!.to[0]!.label = 'Mailbox'), /edge hasEmail: endpoint label "Mailbox" is not a declared vertex label/));
  it('rejects two vertex labels of one name', () => rejects((m) => void m.vertices.push(structuredClone(m.vertices[1]!)), /vertex label "Email" declared twice/));
  it('rejects one edge label with two property lists (one file per label)', () =>
    rejects((m) => void m.edges.find((e) => e.label === 'loggedAs')!.properties.push({ name: 'x', column: 'user_name', type: 'String' }), /edge label "loggedAs" is declared twice/));
  it('rejects a cardinality on an edge property (Neptune: edge properties are single)', () =>
    rejects((m) => void (m.edges.find((e) => e.label === 'hasLoyaltyLevel')!.properties[0]!.cardinality = 'single'), /cannot have cardinality "single"/));
  it('rejects an unsupported property type', () =>
    rejects((m) => void ((m.vertices[0]!.sources[0]!.properties[0] as { type: string }).type = 'Map'), /unsupported type "Map"/));
});

describe('buildTransformSql', () => {
  const statements = buildTransformSql(GRAPH_MODEL);

  it('renders one statement per output file, vertices first, with Neptune headers', () => {
    expect(statements.map((s) => s.key)).toEqual([
      ...GRAPH_MODEL.vertices.map((v) => `vertices/${v.label}.csv`),
      ...[...new Set(GRAPH_MODEL.edges.map((e) => e.label))].map((l) => `edges/${l}.csv`),
    ]);
    for (const s of statements) checkGremlinCsvHeader(s.header, s.kind, s.key);
    expect(statements.find((s) => s.label === 'User')!.header).toEqual(['~id', '~label', 'address:String(single)', 'birthday:Date(single)']);
    expect(statements.find((s) => s.label === 'hasPurchased')!.header).toEqual([
      '~id', '~from', '~to', '~label', 'purchase_id:String', 'purchased_date:Date', 'reward_points:Long',
    ]);
  });

  it('keeps to the SQL subset that behaves the same in DuckDB and Spark SQL', () => {
    const allowedFunctions = new Set(['NULLIF', 'CAST', 'REPLACE', 'DATE_TRUNC', 'MD5', 'UNHEX', 'BASE64', 'SUBSTR', 'COALESCE', 'ROW_NUMBER', 'OVER', 'IN']);
    for (const s of statements) {
      const literalsRemoved = s.sql.replace(/'[^']*'/g, "''");
      const calls = [...literalsRemoved.matchAll(/([A-Za-z_]+)\s*\(/g)].map((m) => m[1]!.toUpperCase());
      const keywordsBeforeParen = new Set(['FROM', 'JOIN', 'AS', 'BY', 'UNION', 'ALL', 'SELECT', 'DISTINCT']);
      for (const call of calls) if (!keywordsBeforeParen.has(call)) expect(allowedFunctions, `${s.key}: ${call}(`).toContain(call);
      // No quoted identifiers (DuckDB "x" is a string in Spark), no backslashes (escapes in
      // Spark literals), no concat() (NULL handling differs), NULLS order always spelled out.
      expect(literalsRemoved, s.key).not.toMatch(/["`\\]/);
      expect(s.sql, s.key).not.toMatch(/\bconcat\s*\(/i);
      for (const order of literalsRemoved.matchAll(/OVER \(PARTITION BY [^)]*ORDER BY ([^)]*)\)/g)) {
        for (const term of order[1]!.split(',').map((t) => t.trim())) {
          expect(/^(src|f|t) ASC$/.test(term) || / ASC NULLS LAST$/.test(term), `${s.key}: ${term}`).toBe(true);
        }
      }
    }
  });

  it('names view columns so that neither engine needs quoting', () => {
    expect(toViewColumnName('user-agent')).toBe('user_agent');
    expect(toViewColumnName('Session ID')).toBe('session_id');
    expect(toViewColumnName('1st')).toBe('_1st');
  });
});

describe('checkGremlinCsvHeader', () => {
  const fails = (header: string[], kind: 'vertices' | 'edges') => {
    try {
      checkGremlinCsvHeader(header, kind, 'x.csv');
      return undefined;
    } catch (e) {
      return (e as Error).name;
    }
  };
  it('accepts what Neptune accepts', () => {
    expect(fails(['~id', '~label', 'a:String', 'b:date', 'c:Int[]', 'd:Long(single)'], 'vertices')).toBeUndefined();
    expect(fails(['~id', '~from', '~to', '~label', 'w:Double'], 'edges')).toBeUndefined();
  });
  it('rejects missing system columns, untyped or unknown types and repeats', () => {
    expect(fails(['~label', '~id'], 'vertices')).toBe('InvalidInputError');
    expect(fails(['~id', '~from', '~label', '~to'], 'edges')).toBe('InvalidInputError');
    expect(fails(['~id', '~label', 'name'], 'vertices')).toBe('InvalidInputError');
    expect(fails(['~id', '~label', 'name:Text'], 'vertices')).toBe('InvalidInputError');
    expect(fails(['~id', '~label', 'a:String', 'a:Long'], 'vertices')).toBe('InvalidInputError');
  });
});
