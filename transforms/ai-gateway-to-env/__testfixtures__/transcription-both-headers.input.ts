// Voice notes: transcribe through the AI gateway.
Deno.serve(async (req) => {
  const audio = await req.blob();
  const form = new FormData();
  form.append("model", "openai/gpt-4o-mini-transcribe");
  form.append("file", audio, "note.webm");
  const res = await fetch("https://ai.gateway.lovable.dev/v1/audio/transcriptions", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${Deno.env.get("LOVABLE_API_KEY")}`,
      "Lovable-API-Key": Deno.env.get("LOVABLE_API_KEY")!,
    },
    body: form,
  });
  return new Response(await res.text(), { status: res.status });
});
