/** Why a provisioning step refused; `code` is stable (the API maps it to an HTTP status, the CLI prints it). */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
  constructor(
    readonly code:
      | 'site_not_found'
      | 'gateway_not_found'
      | 'user_not_found'
      | 'invalid_claim_code'
      | 'invalid_reset_token'
      | 'name_taken'
      | 'user_exists',
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
