"""Random-weight miniature Wan and LTX-Video pipelines, built in code (CI, benchmarks, smoke-testing a worker).

They have the real architectures with tiny widths (as diffusers' own pipeline tests build them), a character-level
tokenizer made in code and a tiny T5 encoder, so nothing is downloaded. Their pictures are noise-like by design.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

TINY_TEXT_DIM = 32


def tiny_tokenizer() -> Any:
    """A character-level T5-style tokenizer (pad 0, eos 1, unk 2) made without any download."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "</s>", "<unk>"]
    chars = list(string.ascii_lowercase + string.ascii_uppercase + string.digits + string.punctuation)
    vocab = {tok: i for i, tok in enumerate(specials + chars)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), behavior="isolated")]
    )
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                   model_max_length=512)


def tiny_text_encoder(vocab_size: int, umt5: bool) -> Any:
    """A 2-layer, 32-wide T5 encoder (UMT5 for Wan, T5 for LTX-Video) with random weights."""
    import torch
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    config_cls, model_cls = (UMT5Config, UMT5EncoderModel) if umt5 else (T5Config, T5EncoderModel)
    cfg = config_cls(vocab_size=vocab_size, d_model=TINY_TEXT_DIM, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                     relative_attention_num_buckets=8, dropout_rate=0.0, is_encoder_decoder=False)
    return model_cls(cfg).eval()


def _tiny_wan_parts(in_channels: int) -> dict[str, Any]:
    """Tokenizer, text encoder, VAE and transformer of a toy Wan model (36 input channels for image-to-video)."""
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanTransformer3DModel

    tokenizer = tiny_tokenizer()
    text_encoder = tiny_text_encoder(len(tokenizer), umt5=True)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=in_channels,
        out_channels=16, text_dim=TINY_TEXT_DIM, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", rope_max_seq_len=32,
    )
    return dict(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0))


def tiny_wan() -> Any:
    """A WanPipeline (text-to-video) with the Wan 2.1 architecture at toy size."""
    from diffusers import WanPipeline

    return WanPipeline(**_tiny_wan_parts(in_channels=16))


def tiny_wan_i2v() -> Any:
    """A WanImageToVideoPipeline in the Wan 2.2 layout (image latents concatenated, no CLIP encoder) at toy size."""
    from diffusers import WanImageToVideoPipeline

    return WanImageToVideoPipeline(**_tiny_wan_parts(in_channels=36))


def tiny_ltx() -> Any:
    """An LTXPipeline (text-to-video; its image-to-video twin shares the weights) at toy size."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    tokenizer = tiny_tokenizer()
    text_encoder = tiny_text_encoder(len(tokenizer), umt5=False)
    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4, attention_head_dim=8,
        cross_attention_dim=32, num_layers=1, caption_channels=TINY_TEXT_DIM,
    )
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(
        latent_channels=8, block_out_channels=(8, 8, 8, 8), spatio_temporal_scaling=(True, True, False, False),
        layers_per_block=(1, 1, 1, 1, 1), decoder_block_out_channels=(8, 8, 8, 8),
        decoder_spatio_temporal_scaling=(True, True, False, False), decoder_layers_per_block=(1, 1, 1, 1, 1),
        patch_size=1, patch_size_t=1, encoder_causal=True, decoder_causal=False,
    )
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    return LTXPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                       scheduler=FlowMatchEulerDiscreteScheduler())


def tiny_stable_audio() -> Any:
    """A StableAudioPipeline (text-to-audio, for the ambience bed) at toy size; its VAE runs at 4 samples/s."""
    import torch
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
        StableAudioProjectionModel,
    )

    tokenizer = tiny_tokenizer()
    text_encoder = tiny_text_encoder(len(tokenizer), umt5=False)
    torch.manual_seed(0)
    transformer = StableAudioDiTModel(
        sample_size=4, in_channels=3, num_layers=2, attention_head_dim=4, num_key_value_attention_heads=2,
        out_channels=3, cross_attention_dim=4, time_proj_dim=8, global_states_input_dim=8, cross_attention_input_dim=4,
    )
    torch.manual_seed(0)
    vae = AutoencoderOobleck(encoder_hidden_size=6, downsampling_ratios=[1, 2], decoder_channels=3,
                             decoder_input_channels=3, audio_channels=2, channel_multiples=[2, 4], sampling_rate=4)
    torch.manual_seed(0)
    projection = StableAudioProjectionModel(text_encoder_dim=TINY_TEXT_DIM, conditioning_dim=4, min_value=0,
                                            max_value=32)
    scheduler = CosineDPMSolverMultistepScheduler(solver_order=2, prediction_type="v_prediction", sigma_data=1.0,
                                                  sigma_schedule="exponential")
    return StableAudioPipeline(vae=vae, text_encoder=text_encoder, projection_model=projection, tokenizer=tokenizer,
                               transformer=transformer, scheduler=scheduler)


TINY_BUILDERS = {"wan-t2v": tiny_wan, "wan-i2v": tiny_wan_i2v, "ltx-video": tiny_ltx, "audio": tiny_stable_audio}
# what a tiny model can generate: 32x32 latents-friendly pictures, few steps, a low frame rate (reelcast.json)
TINY_OVERRIDES: dict[str, object] = {"resolutions": [[32, 32]], "steps": 2, "fps": 8, "max_frames": 17,
                                     "max_sequence_length": 32}


def save_tiny_models(models_dir: Path, keys: tuple[str, ...] = ("wan-t2v", "ltx-video")) -> Path:
    """Write tiny random-weight pipelines into `models_dir/<key>/` (the layout REELCAST_DIFFUSERS_MODELS expects)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    for key in keys:
        TINY_BUILDERS[key]().save_pretrained(models_dir / key)
        (models_dir / key / "reelcast.json").write_text(json.dumps(TINY_OVERRIDES))
    return models_dir
