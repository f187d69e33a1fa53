import { base44 } from "@/api/base44Client";

export async function importSheet(file_url) {
  const rows = await base44.integrations.Core.ExtractDataFromUploadedFile({ file_url, json_schema: { type: "array" } });
  const unsubscribe = base44.entities.Lead.subscribe(() => {});
  unsubscribe();
  return rows;
}
