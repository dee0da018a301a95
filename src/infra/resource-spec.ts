/**
 * The CloudFormation resource specification, from the npm package `@aws-cdk/aws-service-spec`
 * (the registry AWS CDK generates its L1 constructs from; it ships offline as db.json.gz).
 * Only the little the template checks need is exposed here.
 */
export interface SpecProperty {
  type: SpecPropertyType;
  required?: boolean;
}

export type SpecPropertyType =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: SpecPropertyType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecPropertyType[] };

export interface SpecResourceType {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}

export interface SpecTypeDefinition {
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface ResourceSpec {
  /** The resource type, or undefined if CloudFormation has no such type. */
  getResourceType(cloudFormationType: string): SpecResourceType | undefined;
  /** A nested property type (`$ref` of a `ref` property type). */
  getTypeDefinition(id: string): SpecTypeDefinition | undefined;
}

let loading: Promise<ResourceSpec> | undefined;

/** Loads the specification once per process (about half a second: a 2.6 MB gzip of JSON). */
export function loadResourceSpec(): Promise<ResourceSpec> {
  // Imported on first use: notebooks that never validate templates do not pay for it.
  loading ??= import('@aws-cdk/aws-service-spec').then(async ({ loadAwsServiceSpec }) => {
    const db = await loadAwsServiceSpec();
    const byType = new Map<string, SpecResourceType>();
    for (const resource of db.all('resource')) {
      byType.set(resource.cloudFormationType, resource as unknown as SpecResourceType);
    }
    return {
      getResourceType: (type) => byType.get(type),
      getTypeDefinition: (id) => {
        try {
          return db.get('typeDefinition', id) as unknown as SpecTypeDefinition;
        } catch {
          return undefined;
        }
      },
    };
  });
  return loading;
}
