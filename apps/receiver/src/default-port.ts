/**
 * The port the receiver listens on unless told otherwise. Import-free and published as
 * `@livehook/receiver/default-port`, so the CLI finds the receiver by default without loading it.
 */
export const DEFAULT_RECEIVER_PORT = 4020;
