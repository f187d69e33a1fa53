async function transcribe(audio: Blob) {
  const { EXPO_PUBLIC_OPENAI_API_KEY: key } = process.env;
  return fetch("https://api.openai.com/v1/audio/transcriptions", { method: "POST", headers: { Authorization: `Bearer ${key}` }, body: audio });
}

export default transcribe;
