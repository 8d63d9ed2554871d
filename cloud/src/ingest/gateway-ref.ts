/** The gateway a batch comes from, as authentication found it. */
export interface GatewayRef {
  id: string;
  siteId: string;
}
