/**
 * Error classes shared by the gateway's stages. Every error has a stable
 * `code` (for logs, tests and health reports) and the context needed to act on it.
 */
export class GatewayError extends Error {
  readonly code: string;
  readonly context: Record<string, unknown>;

  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** The device did not answer in time. The device counts as offline. */
export class DeviceTimeoutError extends GatewayError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('DEVICE_TIMEOUT', message, context, options);
  }
}

/** No connection to the device (refused, reset, unreachable). The device counts as offline. */
export class DeviceConnectionError extends GatewayError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('DEVICE_CONNECTION', message, context, options);
  }
}

/** The device answered with a Modbus exception (e.g. 2 = illegal data address, 6 = busy). */
export class ModbusExceptionError extends GatewayError {
  readonly exceptionCode: number;
  constructor(exceptionCode: number, message: string, context: Record<string, unknown> = {}) {
    super('MODBUS_EXCEPTION', message, { ...context, exceptionCode });
    this.exceptionCode = exceptionCode;
  }
}

/** A reply that arrived broken (CRC error, short or garbled frame). Retried; the device counts as in error, not offline. */
export class FrameError extends GatewayError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('DEVICE_FRAME', message, context, options);
  }
}

/** The device answered, but what it said does not make sense (no SunSpec marker, a broken model chain...). */
export class DecodeError extends GatewayError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('DECODE_ERROR', message, context);
  }
}

/** Modbus exceptions 0x0A/0x0B: a gateway in between could not reach the target: as good as a timeout. */
export const GATEWAY_PATH_EXCEPTIONS: readonly number[] = [0x0a, 0x0b];

/** True when the error means "cannot talk to the device" rather than "the device said something wrong". */
export function isOfflineError(err: unknown): boolean {
  if (err instanceof DeviceTimeoutError || err instanceof DeviceConnectionError) return true;
  return err instanceof ModbusExceptionError && GATEWAY_PATH_EXCEPTIONS.includes(err.exceptionCode);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
