// Vite's `?raw` imports (the schema SQL is bundled into the built CLI as text).
declare module "*?raw" {
  const text: string;
  export default text;
}
