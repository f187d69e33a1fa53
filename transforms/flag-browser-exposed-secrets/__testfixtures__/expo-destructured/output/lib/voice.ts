async function transcribe(audio: Blob) {
  // ownit-todo: EXPO_PUBLIC_OPENAI_API_KEY is a secret, but the EXPO_PUBLIC_ prefix ships it to every browser: rotate it and use it only in server code
  const { EXPO_PUBLIC_OPENAI_API_KEY: key } = process.env;
  return fetch("https://api.openai.com/v1/audio/transcriptions", { method: "POST", headers: { Authorization: `Bearer ${key}` }, body: audio });
}

export default transcribe;
