import io
import math
import struct
import wave


def wav_bytes(seconds: float = 1.0, rate: int = 8000, freq: float = 440.0) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(int(seconds * rate))
        )
        w.writeframes(frames)
    return buf.getvalue()


def attach_wav(call, name: str, seconds: float = 6.0, audio: bytes | None = None) -> bytes:
    """Store a WAV as `call`'s recording (content type and size too) and save the call."""
    from django.core.files.base import ContentFile

    audio = wav_bytes(seconds) if audio is None else audio
    call.recording.save(name, ContentFile(audio), save=False)
    call.recording_content_type = "audio/x-wav"
    call.recording_size = len(audio)
    call.save()
    return audio
