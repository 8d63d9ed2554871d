import { z } from 'zod';

/**
 * Gateway provisioning: an installer creates a claim code for a site in the
 * cloud; the gateway sends it to POST /api/v1/gateways/claim (no other
 * credentials) and receives its own token, shown this once.
 */
export const ClaimGatewayRequest = z.object({
  /** As shown to the installer ("SHC-7KQ2-M9XA-4T1B-ZP0D"); case, dashes and spaces do not matter. */
  code: z.string().min(1).max(64),
  /** The gateway's name on its site; default: the name given with the code, else one made up. */
  name: z.string().trim().min(1).max(100).optional(),
});
export type ClaimGatewayRequest = z.infer<typeof ClaimGatewayRequest>;

export const ClaimGatewayResponse = z.object({
  gatewayId: z.uuid(),
  siteId: z.uuid(),
  organizationId: z.uuid(),
  gatewayName: z.string(),
  /** The gateway token (`shg_...`) for `Authorization: Bearer` at ingest. Store it; it is not shown again. */
  token: z.string(),
});
export type ClaimGatewayResponse = z.infer<typeof ClaimGatewayResponse>;
