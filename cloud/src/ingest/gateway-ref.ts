/** The gateway a batch comes from, as authentication found it. */
export interface GatewayRef {
  id: string;
  siteId: string;
  /** Its tenant: the ingest's writes run under withTenant(db, organizationId, ...). */
  organizationId: string;
}
