/**
 * The port the mock listens on unless told otherwise. Import-free and published as `@livehook/api-mock/default-port`,
 * so the CLI finds the mock by default without loading it.
 */
export const DEFAULT_MOCK_PORT = 4010;
