# ruff: noqa: E501
"""Seed prompts of the product guide, verbatim (seed/sora2-app-overview.ko.txt)."""

SKATER = 'figure skater performs a triple axle with a cat on her head'

PADDLEBOARD = 'a man does a backflip on a paddleboard'

HORSES = 'a person is standing on 2 horses with legs spread. make it not slowmo also realistic. the guy fell off pretty hard in the end. single shot'

ASTRONAUT_DOG = (
    'an astronaut golden retriever named Sora levitates around an intergalactic pup-themed space station '
    'with a tiny jet back that propels him. gorgeous specular lighting and comets fly through the sky, '
    "retro-future astro-themed music plays in the background. light glimmers off the dog's eyes. the dog "
    'initially propels towards the space station with the doors opening to let him in. the shot then '
    'changes. now inside the space station, many tennis balls are flying around in zero gravity. the '
    "dog's astronaut helmet opens up so he can grab one. 35mm film, the intricate details and texturing "
    "of the dog's hair are clearly visible and the light of the comets shimmers off the fur."
)

ANIME_FESTIVAL = (
    'in the style of a japanese anime, a melancholy scene under the fireworks of a night sky. the world '
    'is so happy, but not the two star-crossed protagonists of this gorgeous japanese town in the middle '
    'of a festival. film-caliber sakuga japanese animation, close-up shots of the characters having a '
    'conversation in japanese, beautiful fluid hand-drawn animation'
)

# The advanced 11-section prompt (seed file lines 140–150).
DRAGON = """Primary Target & Visuals First read: a dragon slicing past serrated ice spires, wingtip vortices peeling spindrift; second read: the glacier's fractured sheet falling away to a cobalt fjord, with amber sun rim kissing frost on scales; expression reads predatory calm / effortless power.
Format & Look 5.0s; 4K; 180° shutter; large-format digital sensor emulation with crisp micro-contrast; very fine grain; restrained halation on snow glints; no gate weave.
Lenses & Filtration Hero: 50mm spherical on nose-mounted gyro-stabilized aerial platform (parallel tracking with slight inward arc). Filtration: Black Pro-Mist 1/8; circular polarizer set light to tame snow glare while preserving specular sparkle.
Grade / Palette Highlights: clean ice white with cool roll-off; Mids: steel-blue glacier and pale cyan air; Shadows: slate/teal with preserved crevasse detail; warm amber rim on dragon edges for separation; speculars tight on frost/scale.
Lighting & Atmosphere Late-afternoon low sun cross-key; katabatic wind lofting spindrift; thin frozen haze for depth; intermittent ice-dust bursts in the wake; faint breath-vapor from the dragon on exertion.
Location & Framing Towering serac field and knife-edged ridgeline; camera tracks co-speed alongside the dragon at mid-altitude, glacier diagonals driving back to fjord; foreground ice fins pass close for parallax; no human structures.
Wardrobe / Props / Vehicle Notes N/A (creature). Surface read: matte horn ridges, semi-iridescent scale plates with micro-frost along leading edges.
Sound High-air wind shear, wing membrane thunder each downstroke, crystalline ice tick/creak from the seracs, distant glacier calving boom; quick exhale/rumble from the dragon: "Rrhh—" (sub-1s). No score—pure diegetic awe.
Optimized Shot List (1 shot / 5.0s) 0.0–5.0 — "Parallel Ridge Carve" (50mm, nose-mount aerial with slight inward arc & micro-push) We pace the dragon as it threads a corridor of ice spires; wingtip vortices peel spindrift into ribbons; a calving fragment drops far below, sending a powder plume; the camera eases closer—scales read, amber rim flares—then the dragon banks toward the fjord, tail scissoring, casting a sweeping shadow over the glacier. Purpose: Deliver mythic scale with tactile realism in one decisive pass—speed, mass, and elemental cold.
Camera Notes (Why It Reads) 50mm balances creature presence and landscape scale without miniaturizing; parallel track + inward arc sells velocity and form; micro-push times with strongest downstroke for power punctuation; light polarizer controls glare while keeping glitter; back/rim sun sculpts silhouette; near-miss ice fins provide parallax speed cues.
Finishing Very fine grain (~15%); halation minimal on snow speculars; gentle print emulation to keep blues credible and blacks rich; multiband dynamics to retain wing thump without masking calving boom; poster frame: dragon banked across a sun-lit serac, spindrift streaming, fjord blazing deep blue beyond."""

# Foundation prompt described in PRODUCT.md §1.
BASKETBALL = "a basketball player shoots and misses, the ball bounces off the backboard"
