const AI_URL = 'https://ai.gateway.lovable.dev/v1/chat/completions';

Deno.serve(async (req) => {
  const { messages, model } = await req.json();
  return fetch(AI_URL, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + Deno.env.get('LOVABLE_API_KEY'), 'Content-Type': 'application/json' },
    body: JSON.stringify({ model, messages, stream: true }),
  });
});
