const AI_URL = `${Deno.env.get('AI_GATEWAY_URL')}/chat/completions`;

Deno.serve(async (req) => {
  const { messages, model } = await req.json();
  return fetch(AI_URL, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + Deno.env.get('AI_API_KEY'), 'Content-Type': 'application/json' },
    body: JSON.stringify({ model, messages, stream: true }),
  });
});
