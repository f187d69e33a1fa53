export const APP_URL = 'https://planner-9x2.bolt.host';
export const DOCS_URL = 'https://planner-docs-1k.bolt.host/guide';
