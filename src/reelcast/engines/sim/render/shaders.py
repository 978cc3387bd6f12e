"""GLSL sources. Variants (look, quality tier, glow, ...) are chosen with #defines prepended at compile time.

Colour pipeline: part and ground colours are treated as sRGB-ish albedo, lit in linear space, then tone-mapped and
gamma-encoded into an RGBA8 target. Alpha carries an object id (0 for sky and ground) so the post pass can draw
anime ink outlines from the same taps it already takes for FXAA: no normal or depth buffer, no extra pass.
"""

from __future__ import annotations

VERSION = "#version 330 core\n"

# Shared lighting helpers for the part pass and the ground/sky pass.
COMMON = """
// The clip's constants (sun, sky, fog, ambient, ground pattern, halation, ...: K_* #defines, see scene_constants in
// renderer.py) are compiled in as literals, and what depends on them alone is computed once on the CPU: llvmpipe
// loads a uniform at every use in every pixel block and hoists or folds no arithmetic on uniforms. For the same reason
// the per-frame values (eye, shadow bias and normal offset) reach the fragment shaders only through what their vertex
// shaders output, never as uniforms read per pixel.
uniform sampler2DShadow u_shadow;

vec3 to_linear(vec3 c) { return c * c; }            // gamma 2.0: close to sRGB and cheap
vec3 to_display(vec3 c) {
    // Soft shoulder above 0.8 keeps highlights from clipping flat; sqrt = gamma 2.0 encode.
    vec3 over = max(c - 0.8, 0.0);
    c = min(c, 0.8) + 0.2 * (1.0 - exp(-over * 5.0));
    return sqrt(max(c, 0.0));
}

// `s`: the shadow map's texture coordinates and depth (0..1, less the depth bias) of the normal-offset surface point.
// The sun's projection is orthographic, so they are an affine function of the world position: the callers build them
// from values interpolated from their vertex shaders (u_light_tex there, with the bias in its translation) instead of
// a matrix product per pixel.
float shadow_at(vec3 s) {
    if (s.x <= 0.0 || s.y <= 0.0 || s.x >= 1.0 || s.y >= 1.0) return 1.0;
    float z = min(s.z, 0.9999);
#ifdef PCF_HIGH
    // 4 bilinear-compare taps = a smooth 3x3-texel kernel.
    float lit = 0.0;
    lit += texture(u_shadow, vec3(s.xy + vec2(-0.5, -0.5) * K_SHADOW_TEXEL, z));
    lit += texture(u_shadow, vec3(s.xy + vec2( 0.5, -0.5) * K_SHADOW_TEXEL, z));
    lit += texture(u_shadow, vec3(s.xy + vec2(-0.5,  0.5) * K_SHADOW_TEXEL, z));
    lit += texture(u_shadow, vec3(s.xy + vec2( 0.5,  0.5) * K_SHADOW_TEXEL, z));
    lit *= 0.25;
#else
    float lit = texture(u_shadow, vec3(s.xy, z));   // one hardware bilinear PCF tap
#endif
    return mix(1.0, lit, K_SHADOW_STRENGTH);
}

// Ambient takes its hue from sky and ground and its strength from the ambient level alone, so a dark night sky
// does not also crush the fill light to black (the two hues: `hemi_ambient_terms` in shader_constants.py).
vec3 hemi_ambient(vec3 n) { return K_AMB_BASE + n.z * K_AMB_Z; }

// Diffuse response for the look; `ndl` is raw N.L, `sh` the shadow term.
float diffuse_term(float ndl, float sh) {
#if defined(LOOK_ANIME)
    float l = max(ndl, 0.0) * sh;
    // Three bands with narrow smooth steps (no stair aliasing).
    return 0.32 + 0.38 * smoothstep(0.04, 0.08, l) + 0.30 * smoothstep(0.45, 0.5, l);
#elif defined(LOOK_CARTOON)
    float wrap = clamp(ndl * 0.6 + 0.4, 0.0, 1.0);
    return wrap * mix(0.55, 1.0, sh);
#else
    return max(ndl, 0.0) * sh;
#endif
}

// pow(x, n) for a specular lobe (x = N.H in 0..1): exp2 of n * ln(x) with ln(x) ~ d - d^2/2 + d^3/3, d = x - 1.
// llvmpipe evaluates pow as a polynomial log2 and exp2 per pixel (the part shader's costliest step after the shadow
// tap); this keeps one exp2. Within 1e-3 of pow from shininess 14 up, 3e-3 at the lowest (6: fur, whose specular
// strength is 0.04).
float spec_pow(float x, float n) {
    float d = min(x, 1.0) - 1.0;
    return exp2(n * 1.4426950 * (d * (1.0 + d * (-0.5 + d * (1.0 / 3.0)))));
}

float fog_amount(float dist) {
    float d = dist * K_FOG_DENSITY;
    return 1.0 - exp(-d * d);
}
"""

# Per part, 4 texels: the model matrix's columns, with per-frame flags in their (otherwise 0, 0, 0, 1) 4th components.
POSE_FETCH = """
uniform sampler2D u_parts;
mat4 part_pose(int i, out vec2 flags) {
    vec4 c0 = texelFetch(u_parts, ivec2(0, i), 0), c1 = texelFetch(u_parts, ivec2(1, i), 0);
    vec4 c2 = texelFetch(u_parts, ivec2(2, i), 0), c3 = texelFetch(u_parts, ivec2(3, i), 0);
    flags = vec2(c0.w, c1.w);   // visible; visible and casts a shadow
    return mat4(vec4(c0.xyz, 0.0), vec4(c1.xyz, 0.0), vec4(c2.xyz, 0.0), vec4(c3.xyz, 1.0));
}
"""

PART_VS = POSE_FETCH + """
uniform mat4 u_viewproj;
uniform float u_clip_ground;  // 1: clip what is below z = 0 (the analytic ground writes no depth)
uniform mat4 u_light_tex;     // world -> the shadow map's texture coordinates and depth less the bias (affine)
uniform vec3 u_eye;
uniform float u_shadow_normal_offset;  // metres
in vec3 in_pos;
in vec3 in_nrm;
in float in_part;
in vec4 in_albedo;   // the part's colour + emissive
in vec3 in_mat;      // the part's id, specular, shininess
out vec3 v_to_eye;     // u_eye - the surface point
out vec3 v_nrm;
out vec3 v_shadow;     // u_light_tex * the surface point
out vec3 v_shadow_n;   // u_light_tex's linear part * v_nrm * the normal offset: the normal offset in the shadow map
flat out vec4 v_albedo;
flat out vec4 v_mat;
void main() {
    vec2 flags;
    mat4 m = part_pose(int(in_part + 0.5), flags);
    v_albedo = in_albedo;
    v_mat = vec4(flags.x, in_mat);   // visible, id, specular, shininess
    vec4 w = m * vec4(in_pos, 1.0);
    v_to_eye = u_eye - w.xyz;
    v_nrm = mat3(m) * in_nrm;
    // Interpolated, these are what u_eye and u_light_tex give for the interpolated surface point and v_nrm (all are
    // affine), without the per-pixel uniform loads.
    v_shadow = (u_light_tex * w).xyz;
    v_shadow_n = mat3(u_light_tex) * v_nrm * u_shadow_normal_offset;
    // Hidden parts collapse outside the clip volume: cheaper than re-uploading geometry.
    gl_Position = v_mat.x > 0.5 ? u_viewproj * w : vec4(2.0, 2.0, 2.0, 1.0);
    gl_ClipDistance[0] = u_clip_ground > 0.5 ? w.z + 0.002 : 1.0;
}
"""

PART_FS = """
in vec3 v_to_eye;
in vec3 v_nrm;
in vec3 v_shadow;
in vec3 v_shadow_n;
flat in vec4 v_albedo;
flat in vec4 v_mat;
layout(location = 0) out vec4 f_color;
#ifdef GLOW
layout(location = 1) out vec4 f_glow;
#endif
void main() {
    vec3 albedo = to_linear(v_albedo.rgb);
    float e = v_albedo.a;
    vec3 glow_col = albedo * (1.0 + 0.3 * e);
    vec3 col = glow_col;
    // Emissive at 2/3 and up is unlit (the mix below takes all of glow_col). Note that llvmpipe (Mesa 22.3) runs both
    // sides of a branch under a mask, even on a flat or uniform condition: a never-taken branch around all of the
    // lighting cost as much as the lighting. Per-pixel work is only saved by removing operations.
    vec3 to_eye = v_to_eye;
    float eye_dd = dot(to_eye, to_eye);
    if (e * 1.5 < 1.0) {
    // normalize(v_nrm), keeping the scale for the shadow lookup's normal offset (along n, flipped on back faces).
    float inv_len = gl_FrontFacing ? inversesqrt(dot(v_nrm, v_nrm)) : -inversesqrt(dot(v_nrm, v_nrm));
    vec3 n = v_nrm * inv_len;
    vec3 v = to_eye * inversesqrt(eye_dd);   // normalize(to_eye)
    float ndl = dot(n, K_SUN_DIR);
    float sh = shadow_at(v_shadow + v_shadow_n * inv_len);
    float diff = diffuse_term(ndl, sh);
    vec3 h = normalize(K_SUN_DIR + v);
    float spec_on = step(0.0, ndl) * sh;
#if defined(LOOK_ANIME)
    float spec = smoothstep(0.55, 0.6, spec_pow(max(dot(n, h), 0.0), v_mat.w)) * v_mat.z * spec_on;
    float rim = smoothstep(0.62, 0.7, 1.0 - max(dot(n, v), 0.0));   // * 0.35: in K_RIM_COL
#else
    float spec = spec_pow(max(dot(n, h), 0.0), v_mat.w) * v_mat.z * spec_on;
    float rim = 1.0 - max(dot(n, v), 0.0);
    rim *= rim;
    rim *= rim;   // pow(, 4.0); * 0.12: in K_RIM_COL
#endif
    vec3 lit = albedo * (K_SUN_COL * diff + hemi_ambient(n)) + K_SUN_COL * spec;
    lit += rim * K_RIM_COL * (1.0 + max(ndl, 0.0));
    col = mix(lit, glow_col, e * 1.5);   // emissive: unlit; glow does the rest
    }
    // fog_amount(length(to_eye)) without the square root: 1 - exp(-(dist * density)^2).
    col = mix(col, K_FOG_LIN, (1.0 - exp2(-eye_dd * K_FOG_K)) * (1.0 - e));
#ifdef GLASS
    // Clear glass (drawn last, blended, alpha kept): almost invisible face-on, a tinted fresnel rim at grazing
    // angles and a tight sun glint, so a bubble helmet reads as a bubble and the face inside stays visible.
    vec3 gn = normalize(v_nrm);
    if (!gl_FrontFacing) gn = -gn;
    vec3 gv = normalize(v_to_eye);
    float fres = pow(1.0 - abs(dot(gn, gv)), 3.0);
    float glint = pow(max(dot(gn, normalize(K_SUN_DIR + gv)), 0.0), 160.0);
    vec3 tint = to_linear(v_albedo.rgb);
    vec3 gcol = tint * (0.35 + 0.9 * fres) + K_SUN_COL * glint * 3.0;
    f_color = vec4(to_display(gcol), clamp(0.06 + 0.8 * fres + glint, 0.0, 0.9));
#ifdef GLOW
    f_glow = vec4(0.0);
#endif
#else
    f_color = vec4(to_display(col), v_mat.y);
#ifdef GLOW
    float hl = max(dot(col, vec3(0.3, 0.55, 0.15)) - 0.85, 0.0) * K_HALATION;
    f_glow = vec4(vec3(hl), 1.0);   // emissive parts get analytic halos (glow or post pass) instead
#endif
#endif
}
"""

SHADOW_VS = POSE_FETCH + """
uniform mat4 u_light_vp;
in vec3 in_pos;
in float in_part;
void main() {
    vec2 flags;
    mat4 m = part_pose(int(in_part + 0.5), flags);
#ifdef PROBE
    float on = flags.x;   // the draw-order probe (renderer): every visible part, seen from the camera
#else
    float on = flags.y;   // the casters, seen from the sun
#endif
    gl_Position = on > 0.5 ? u_light_vp * (m * vec4(in_pos, 1.0)) : vec4(2.0, 2.0, 2.0, 1.0);
}
"""

SHADOW_FS = """
void main() {}
"""

# Full-screen triangle at the far plane, drawn after the parts with depth test LEQUAL so covered pixels are
# rejected before shading. Per pixel it ray-casts the infinite ground plane z = 0, else shades the sky.
BACKGROUND_VS = """
uniform vec3 u_cam_right;   // scaled by tan(fov/2) * aspect
uniform vec3 u_cam_up;      // scaled by tan(fov/2)
uniform vec3 u_cam_fwd;
in vec2 in_ndc;
out vec3 v_dir;
// The per-frame values the fragment shader reads reach it as flat outputs: llvmpipe loads a uniform at every use in
// every pixel block, a flat input costs about what a literal does.
#ifdef GROUND
uniform mat4 u_light_tex;
uniform float u_sky_margin;   // how far below the horizon (in v_dir.z) a sky pixel can be
uniform vec3 u_eye;
uniform vec3 u_shadow_eye;    // u_light_tex * (u_eye raised by the normal offset): the ground ray's origin
out vec3 v_shadow_dir;   // u_light_tex's linear part * v_dir
flat out vec3 v_eye;
flat out vec3 v_shadow_eye;
#endif
#ifdef STARS
uniform float u_px_angle;     // radians per pixel, for star size
flat out float v_star_cell;   // the stars' grid cell, radians
#endif
void main() {
    v_dir = u_cam_fwd + in_ndc.x * u_cam_right + in_ndc.y * u_cam_up;   // linear in screen space
#ifdef STARS
    v_star_cell = u_px_angle * 7.0;
#endif
#ifdef GROUND
    v_eye = u_eye;
    v_shadow_eye = u_shadow_eye;
    v_shadow_dir = mat3(u_light_tex) * v_dir;
    // With ground, the background is two draws of this triangle, each clipped to its side of the horizon (a line on
    // screen, as v_dir is linear) with a margin; the pixels of the thin overlap discard in the one they are not for.
#ifdef GROUND_SIDE
    gl_ClipDistance[0] = -v_dir.z;
#else
    gl_ClipDistance[0] = v_dir.z + u_sky_margin;
#endif
#else
    gl_ClipDistance[0] = 1.0;   // the whole sky
#endif
    gl_Position = vec4(in_ndc, 1.0, 1.0);
}
"""

BACKGROUND_FS = """
in vec3 v_dir;
#ifdef GROUND
in vec3 v_shadow_dir;
flat in vec3 v_eye;
flat in vec3 v_shadow_eye;
#endif
#ifdef STARS
flat in float v_star_cell;
#endif
layout(location = 0) out vec4 f_color;
#ifdef GLOW
layout(location = 1) out vec4 f_glow;
#endif

float hash12(vec2 p) {
    uvec2 q = uvec2(ivec2(floor(p)) + 32768);
    uint h = q.x * 1597334677u ^ q.y * 3812015801u;
    h = (h ^ (h >> 16)) * 2246822519u;
    h ^= h >> 13;
    return float(h & 0xffffffu) / 16777216.0;
}

float vnoise(vec2 p) {
    vec2 i = floor(p);
    vec2 f = fract(p);
    f = f * f * (3.0 - 2.0 * f);
    float a = hash12(i), b = hash12(i + vec2(1.0, 0.0));
    float c = hash12(i + vec2(0.0, 1.0)), d = hash12(i + vec2(1.0, 1.0));
    return mix(mix(a, b, f.x), mix(c, d, f.x), f.y);
}

vec3 sky(vec3 d) {
    float el = d.z;
    vec3 c = mix(K_SKY_HORIZON, K_SKY_ZENITH, sqrt(clamp(el, 0.0, 1.0)));
    c = mix(c, K_SKY_HORIZON * 0.85, clamp(-el * 4.0, 0.0, 1.0));   // below the horizon (no ground)
#ifdef GROUND
    // Meet the fogged far ground seamlessly at the horizon.
    c = mix(c, K_FOG_COL, exp(-max(el, 0.0) * 28.0));
#endif
    // Sun disc and glow (only when the sun is above the horizon: in K_SUN_GLOW). pow(sd, 24.0) as multiplies.
    float sd = max(dot(d, K_SUN_DIR), 0.0);
    float sd2 = sd * sd;
    float sd4 = sd2 * sd2;
    float sd8 = sd4 * sd4;
    c += K_SUN_GLOW * (smoothstep(0.9994, 0.9997, sd) * 1.5 + sd8 * sd8 * sd8 * 0.18);
#ifdef STARS
    float az = atan(d.y, d.x);
    float alt = asin(clamp(el, -1.0, 1.0));
    float cell = v_star_cell;
    vec2 g = vec2(az * max(cos(alt), 0.2), alt) / cell;
    vec2 gi = floor(g);
    float h = hash12(gi);
    vec2 jitter = vec2(hash12(gi + 17.0), hash12(gi + 41.0)) * 0.6 + 0.2;
    float r = length(g - gi - jitter) * 7.0;   // in pixels
    float star = step(0.985, h) * (1.0 - smoothstep(0.4, 1.3, r)) * ((h - 0.985) * 50.0 + 0.25);
    c += vec3(star) * smoothstep(0.0, 0.08, el);
#endif
    return c;
}

void main() {
    float rlen = inversesqrt(dot(v_dir, v_dir));
    vec3 d = v_dir * rlen;   // normalize(v_dir)
#ifdef GROUND
    // The ground and the sky are drawn separately (GROUND_SIDE or not), each only on its side of the horizon:
    // llvmpipe runs both sides of a branch (under a mask), so one draw with a branch shaded the ground for every
    // sky pixel too. The ground point's footprint (fwidth) is taken before the discard.
    float t = v_eye.z / max(-d.z, 1e-5);
    vec3 p = v_eye + d * t;
    vec2 q = p.xy;
    vec2 fw = fwidth(q);
    vec3 col;
    bool on_ground = d.z < -1e-5 && v_eye.z > 0.0;
#ifdef GROUND_SIDE
    if (!on_ground) discard;
    {
        float blur = max(fw.x, fw.y);
        // Mottled albedo, a soft checker and thin grid lines, all faded out as they shrink below a pixel.
        float n = vnoise(q * K_GPAT2.x) * 0.65 + vnoise(q * K_GPAT2.x * 4.3) * 0.35;
        float cell = K_GPAT.x;
        float fade = clamp(1.0 - blur / (cell * 0.35), 0.0, 1.0);
        vec2 cq = floor(q / cell);
        float checker = mod(cq.x + cq.y, 2.0);
        float stripe = mod(floor(q.x / (cell * 4.0)), 2.0);
        vec2 gd = abs(fract(q / cell + 0.5) - 0.5) * cell;
        vec2 lw = vec2(cell * 0.012) + fw;
        vec2 lines2 = 1.0 - smoothstep(lw * 0.5, lw, gd);
        float line = max(lines2.x, lines2.y) * clamp(1.0 - blur / (cell * 0.08), 0.0, 1.0);
        vec3 alb = K_GROUND_COL * (1.0 + (n - 0.5) * K_GPAT.w * mix(0.5, 1.0, fade));
        alb *= 1.0 - K_GPAT.z * checker * fade - K_GPAT2.w * stripe * fade;
        alb *= 1.0 - K_GPAT.y * line;
        vec3 nrm = vec3(0.0, 0.0, 1.0);
        float ndl = K_SUN_DIR.z;
        // The ground point's shadow coordinates: u_light_tex * (u_eye + v_dir * rlen * t + nrm * normal offset).
        float sh = shadow_at(v_shadow_eye + v_shadow_dir * (rlen * t));
        vec3 h = normalize(K_SUN_DIR - d);
        float spec = spec_pow(max(h.z, 0.0), K_GPAT2.z) * K_GPAT2.y * step(0.0, ndl) * sh;
        vec3 g = to_linear(alb) * (K_SUN_COL * diffuse_term(ndl, sh) + hemi_ambient(nrm)) + K_SUN_COL * spec;
        float f = max(fog_amount(t), smoothstep(300.0, 1500.0, t));
        g = mix(g, K_FOG_LIN, f);
        col = to_display(g);
    }
#else
    if (on_ground) discard;
    col = sky(d);
#endif
#else
    vec3 col = sky(d);
#endif
    f_color = vec4(col, 0.0);
#ifdef GLOW
    f_glow = vec4(vec3(max(dot(col, vec3(0.3, 0.55, 0.15)) - 0.92, 0.0) * K_HALATION), 1.0);
#endif
}
"""

POST_VS = """
in vec2 in_ndc;
#ifdef HALOS
// Emissive parts get analytic round halos (centre and radius in top-first pixels, colour): far cheaper on
// llvmpipe than an image blur. Whether each source is in view (its id at the centre texel) is looked up here,
// in the 3 vertices, not per pixel.
uniform sampler2D u_color;
uniform vec2 u_rcp;
uniform vec4 u_halo_pos[N_HALOS];   // x, y, 1 / radius px, part id alpha
uniform vec3 u_halo_col[N_HALOS];
flat out vec3 v_halo_col[N_HALOS];
// Centre and 1 / radius, and the count in view, for the fragment shader as flat varyings (cheaper to read there than
// uniforms on llvmpipe).
uniform int u_halos_on;
flat out vec3 v_halo_pos[N_HALOS];
flat out int v_halos_on;
#endif
#ifdef POST_FRAME
// The post pass's per-frame values reach its fragment shader as flat varyings: read there they cost about what a
// literal does, where each uniform cost llvmpipe ~0.2 ms a 854x480 frame (a load per use per pixel block).
uniform uint u_frame_hash;    // the frame's term of the grain hash
flat out uint v_frame_hash;
#ifdef MOTION_BLUR
uniform float u_keep;         // 1 - the previous frame's weight: the output alpha, for the fixed-function blend
flat out float v_keep;
#endif
#endif
void main() {
#ifdef POST_FRAME
    v_frame_hash = u_frame_hash;
#ifdef MOTION_BLUR
    v_keep = u_keep;
#endif
#endif
#ifdef HALOS
    v_halos_on = u_halos_on;
    for (int k = 0; k < N_HALOS; ++k) {
        vec4 hp = u_halo_pos[k];
        float seen = step(abs(textureLod(u_color, hp.xy * u_rcp, 0.0).a - hp.w), 0.5 / 255.0);
        v_halo_col[k] = u_halo_col[k] * seen;
        v_halo_pos[k] = hp.xyz;
    }
#endif
    gl_Position = vec4(in_ndc, 0.0, 1.0);
}
"""

# One merged pass: FXAA, anime ink, glow (with the halos, GLOW_FS; per pixel here only on the GPU tier without glow),
# grade, vignette, grain, letterbox, vertical flip; the motion blend is the fixed-function blend onto the previous
# frame. Steps that would do nothing for a style (gamma 1, no split toning, no letterbox) are compiled out: every op
# runs per pixel.
POST_FS = """
uniform sampler2D u_color;
// The style's and the frame size's constants are compiled in as literals (K_* #defines, see post_constants): llvmpipe
// loads a uniform at every use in every pixel block and does not hoist arithmetic on them, and at 854x480 the
// grade's ~15 uniforms and the products between them cost ~2 ms a frame; literals are folded by the compiler.
const vec2 size = K_SIZE;      // output size
const vec2 rcp = K_RCP;
const vec3 grade_mul = K_GRADE_MUL;   // lift and gain (and contrast, without a gamma): c * mul + add
const vec3 grade_add = K_GRADE_ADD;
const vec2 grade_range = K_GRADE_RANGE;   // where that clamps: 0..1, or (contrast < 1) contrast's output range
#ifdef GAMMA
const vec3 inv_gamma = K_INV_GAMMA;
const vec2 contrast_ma = K_CONTRAST;  // contrast around mid grey after the gamma: c * x + y
#endif
const float saturation = K_SATURATION;
#ifdef TONING
const vec3 shadow_tint = K_SHADOW_TINT;
const vec3 highlight_tint = K_HIGHLIGHT_TINT;
const vec2 tint_luma = K_TINT_LUMA;   // the luma of the shadow and highlight tints
#endif
const float vignette = K_VIGNETTE;
const vec2 grain_amp = K_GRAIN_AMP;   // grain amplitude: x + y * l * (1 - l) (x includes the 1-LSB dither)
#ifdef LETTERBOX
const float bar = K_BAR;              // letterbox bar height in pixels
#endif
flat in uint v_frame_hash;    // the frame's term of the grain hash (u_frame_hash, via POST_VS)
#ifdef GLOW
uniform sampler2D u_glow;     // the composed glow and halos (GLOW_FS), a quarter of the scene size
#endif
#ifdef HALOS
flat in int v_halos_on;
flat in vec3 v_halo_pos[N_HALOS];
flat in vec3 v_halo_col[N_HALOS];
#endif
#ifdef MOTION_BLUR
flat in float v_keep;         // u_keep, via POST_VS
#endif
out vec4 f_color;

// v.z: the frame number times 2654435761 (u_frame_hash), multiplied once on the CPU.
uint hash3(uvec3 v) {
    uint h = v.x * 1664525u + v.y * 1013904223u + v.z;
    h ^= h >> 16; h *= 2246822519u; h ^= h >> 13; h *= 3266489917u; h ^= h >> 16;
    return h;
}

float luma(vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }

void main() {
    // Output rows are written top-first so the read-back needs no flip.
    vec2 fc = vec2(gl_FragCoord.x, size.y - gl_FragCoord.y);
    vec2 uv = fc * rcp;
    vec4 m = texture(u_color, uv);
    vec3 c = m.rgb;
#if defined(FXAA) || defined(OUTLINE)
    vec4 nw = textureOffset(u_color, uv, ivec2(-1, -1));
    vec4 ne = textureOffset(u_color, uv, ivec2(1, -1));
    vec4 sw = textureOffset(u_color, uv, ivec2(-1, 1));
    vec4 se = textureOffset(u_color, uv, ivec2(1, 1));
#endif
#ifdef FXAA
    {
        float lnw = luma(nw.rgb), lne = luma(ne.rgb), lsw = luma(sw.rgb), lse = luma(se.rgb), lm = luma(c);
        float lmin = min(lm, min(min(lnw, lne), min(lsw, lse)));
        float lmax = max(lm, max(max(lnw, lne), max(lsw, lse)));
        vec2 dir = vec2(-((lnw + lne) - (lsw + lse)), (lnw + lsw) - (lne + lse));
        float reduce = max((lnw + lne + lsw + lse) * (0.25 * 0.125), 1.0 / 128.0);
        float rcp_min = 1.0 / (min(abs(dir.x), abs(dir.y)) + reduce);
        dir = clamp(dir * rcp_min, vec2(-8.0), vec2(8.0)) * rcp;
        vec3 a = 0.5 * (texture(u_color, uv + dir * (1.0 / 3.0 - 0.5)).rgb +
                        texture(u_color, uv + dir * (2.0 / 3.0 - 0.5)).rgb);
        float la = luma(a);
        // Only where there is contrast; keeps flat areas (and the grain below) crisp.
        c = (lmax - lmin > max(0.04, lmax * 0.1) && la >= lmin && la <= lmax) ? a : c;
    }
#endif
#ifdef OUTLINE
    {
        // Ink where the object id (alpha) differs from a diagonal neighbour: silhouettes and contacts.
        vec4 da = abs(vec4(nw.a, ne.a, sw.a, se.a) - m.a);
        float edge = dot(step(vec4(0.5 / 255.0), da), vec4(0.5));
        c *= 1.0 - 0.85 * clamp(edge, 0.0, 1.0);
    }
#endif
#ifdef GLOW
    c += texture(u_glow, uv).rgb;   // composed at quarter size (GLOW_FS), tinted there
#endif
#ifdef HALOS
    for (int k = 0; k < N_HALOS; ++k) {
        if (k >= v_halos_on) break;   // only the ones in front of the camera this frame (packed first)
        float d = max(length(fc - v_halo_pos[k].xy) * v_halo_pos[k].z - 0.9, 0.0);
        c += v_halo_col[k] * (0.6 * exp2(-d * 1.1) / (1.0 + d * d));
    }
#endif
    // Grade: lift / gain (/ gamma) / contrast, split toning, saturation. Lift, gain and contrast are affine, each
    // clamped to 0..1: without a gamma between them they fold into one multiply-add and one clamp (post_constants).
    c = clamp(c * grade_mul + grade_add, grade_range.x, grade_range.y);
#ifdef GAMMA
    c = pow(c, inv_gamma);   // three exp2(log2) per pixel: compiled in only when the grade has a gamma
    c = clamp(c * contrast_ma.x + contrast_ma.y, 0.0, 1.0);
#endif
    float l = luma(c);
#ifdef TONING
    // The tints' luma is added with them, so the toned colour's luma needs no second dot product.
    float ls = (1.0 - l) * (1.0 - l), lh = l * l;
    c += shadow_tint * ls + highlight_tint * lh;
    l += tint_luma.x * ls + tint_luma.y * lh;
#endif
    // Saturation and vignette in one: mix(l, c, saturation) * vignette.
    vec2 vc = (uv - 0.5) * vec2(size.x / size.y, 1.0);
    float vig = 1.0 - vignette * smoothstep(0.35, 1.1, dot(vc, vc) * 1.6);
    c = c * (saturation * vig) + l * ((1.0 - saturation) * vig);
    // Film grain and a sub-LSB dither against banding: integer hash of pixel and frame, no random state.
    uint hs = hash3(uvec3(uvec2(fc), v_frame_hash));
    float gn = float(hs & 0xffffu) * (1.0 / 65535.0) + float(hs >> 16) * (1.0 / 65535.0) - 1.0;
    c += gn * (grain_amp.x + grain_amp.y * (l * (1.0 - l)));
#ifdef LETTERBOX
    if (fc.y < bar || fc.y > size.y - bar) c = vec3(0.0);
#endif
    // No clamp: the target is 8-bit unorm, which clamps what is written (and blended) to 0..1.
#ifdef MOTION_BLUR
    // Blended over the previous frame still in the target: c * keep + previous * (1 - keep).
    f_color = vec4(c, v_keep);
#else
    f_color = vec4(c, 1.0);
#endif
}
"""

# Glow composition at a quarter of the scene size (drawn with POST_VS): a small mip for the core and four offset taps
# of a coarse mip for a wide, round (not blocky) halo, plus the emissive parts' analytic halos (with glow, or on the CPU
# tier).
# Five trilinear taps per output pixel cost several ms a frame on llvmpipe at 854x480 (and 8 halos ~11 ms); here they
# run on 1/16 of the scene's pixels and the post pass takes one bilinear tap of the result, which is as smooth as the
# mips it came from.
GLOW_FS = """
uniform sampler2D u_glow;    // the scene's glow attachment, mipmapped
// Compiled-in constants (K_* #defines; uniforms cost llvmpipe a load per use per pixel block, see POST_FS).
const vec2 rcp = K_RCP;            // 1 / output size: the offsets are in output pixels
const vec2 size = K_SIZE;          // output size
const vec2 dst_rcp = K_DST_RCP;    // 1 / this target's size
const vec3 glow_tint = vec3(1.0, 0.8, 0.7);
#ifdef HALOS
flat in int v_halos_on;
flat in vec3 v_halo_pos[N_HALOS];
flat in vec3 v_halo_col[N_HALOS];
#endif
out vec4 f_glow;
void main() {
    vec2 uv = gl_FragCoord.xy * dst_rcp;
#ifdef GLOW
    vec2 o = rcp * 20.0;
    vec3 wide = textureLod(u_glow, uv + vec2(-o.x, -o.y), 4.5).rgb + textureLod(u_glow, uv + vec2(o.x, -o.y), 4.5).rgb
              + textureLod(u_glow, uv + vec2(-o.x, o.y), 4.5).rgb + textureLod(u_glow, uv + vec2(o.x, o.y), 4.5).rgb;
    vec3 c = (textureLod(u_glow, uv, 2.5).rgb * 0.6 + wide * 0.25) * glow_tint;
#else
    vec3 c = vec3(0.0);   // halos only (a style without glow, on the CPU tier)
#endif
#ifdef HALOS
    // The emissive parts' halos (as in POST_FS), evaluated at this texel's centre in output pixels (top-first, as
    // the post pass samples this target): smooth enough that the post pass's bilinear tap rebuilds them.
    vec2 fc = uv * size;
    for (int k = 0; k < N_HALOS; ++k) {
        if (k >= v_halos_on) break;
        float d = max(length(fc - v_halo_pos[k].xy) * v_halo_pos[k].z - 0.9, 0.0);
        c += v_halo_col[k] * (0.6 * exp2(-d * 1.1) / (1.0 + d * d));
    }
#endif
    f_glow = vec4(c, 1.0);
}
"""
