// Voice notes: transcribe through the AI gateway.
Deno.serve(async (req) => {
  const audio = await req.blob();
  const form = new FormData();
  form.append("model", "openai/gpt-4o-mini-transcribe");
  form.append("file", audio, "note.webm");
  const res = await fetch(`${Deno.env.get("AI_GATEWAY_URL")}/audio/transcriptions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${Deno.env.get("AI_API_KEY")}`,
    },
    body: form,
  });
  return new Response(await res.text(), { status: res.status });
});
