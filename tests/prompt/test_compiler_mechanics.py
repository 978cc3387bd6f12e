"""Compiler behaviours: shots, cuts, cameras, mentions, negations, unresolved words, determinism."""


import pytest

from reelcast.prompt.compiler import compile_prompt

from . import seed_prompts as S


def _compile(prompt, seconds=8.0, fps=24):
    return compile_prompt(prompt, seconds, 1280, 720, fps)


def _assert_tiles(plan):
    assert plan.shots[0].start == 0.0
    assert plan.shots[-1].end == plan.duration
    for a, b in zip(plan.shots, plan.shots[1:], strict=False):
        assert a.end == b.start and a.end > a.start
    assert [s.index for s in plan.shots] == list(range(len(plan.shots)))


def test_timecoded_shot_list_parsed_with_titles_and_lenses():
    prompt = (
        '0.0–2.5 — "Approach" (50mm, slow push-in) a dog runs across the park.\n'
        '2.5-5.0 — "Catch" (85 mm, close-up, handheld) the dog catches a ball.\n'
        '5.0 to 8.0 — "Walk off" (24mm, wide, static) the dog walks away.'
    )
    plan = _compile(prompt)
    assert [s.title for s in plan.shots] == ["Approach", "Catch", "Walk off"]
    assert [(s.start, s.end) for s in plan.shots] == [(0.0, 2.5), (2.5, 5.0), (5.0, 8.0)]
    assert [s.camera.focal_length_mm for s in plan.shots] == [50.0, 85.0, 24.0]
    assert [s.camera.move for s in plan.shots] == ["dolly", "handheld", "static"]
    assert plan.shots[1].camera.framing == "close_up"


def test_timecodes_beyond_duration_are_scaled_and_noted():
    prompt = '0–6 — "One" a man walks. 6–12 — "Two" the man runs.'
    plan = _compile(prompt, seconds=4)
    _assert_tiles(plan)
    assert plan.shots[1].start == pytest.approx(2.0)
    assert any("scaled" in n for n in plan.notes)


def test_cut_to_splits_free_text_into_shots():
    plan = _compile("a cat sits on a box. cut to a close-up of the cat's face.")
    assert len(plan.shots) == 2
    assert plan.shots[1].camera.framing == "close_up"
    _assert_tiles(plan)


def test_then_close_up_starts_a_new_shot():
    plan = _compile("A wide shot of a man on a beach. Then a close-up of his face.")
    assert len(plan.shots) == 2
    assert [s.camera.framing for s in plan.shots] == ["wide", "close_up"]


def test_then_without_camera_words_stays_one_shot():
    plan = _compile("a girl jumps. then she runs across the street.")
    assert len(plan.shots) == 1


def test_single_shot_overrides_cut_words():
    plan = _compile("a dog runs, cut to the dog jumping. single shot")
    assert len(plan.shots) == 1


@pytest.mark.parametrize("seconds,fps", [(4, 24), (8, 24), (12, 30), (7.3, 24), (25, 24)])
@pytest.mark.parametrize("name", ["ASTRONAUT_DOG", "DRAGON", "ANIME_FESTIVAL", "HORSES"])
def test_shots_tile_the_duration_exactly(name, seconds, fps):
    plan = _compile(getattr(S, name), seconds, fps)
    assert plan.duration == float(seconds)
    _assert_tiles(plan)


def test_focal_length_50mm_sets_camera():
    plan = _compile("a woman dances in a studio, shot on a 50mm lens")
    assert plan.shots[0].camera.focal_length_mm == 50.0


def test_camera_moves_and_heights():
    assert _compile("drone shot of a horse in a meadow").shots[0].camera.move == "aerial"
    assert _compile("the camera orbits a dancer").shots[0].camera.move == "orbit"
    assert _compile("low angle shot of a boy kicking a ball").shots[0].camera.height == "low"


def test_mentions_become_cameos_and_person_entities():
    plan = _compile('@mina and @rohan talk on a city street. @mina says "nice shot!"')
    assert plan.cameos == ["@mina", "@rohan"]
    mina = plan.entity("mina")
    assert mina.archetype == "person" and mina.cameo == "@mina"
    assert plan.sound.dialogue[0].speaker == "mina"
    assert plan.sound.dialogue[0].text == "nice shot!"


def test_quoted_dialogue_language_from_script():
    plan = _compile('a girl says "こんにちは" to a boy')
    line = plan.sound.dialogue[0]
    assert line.language == "ja" and line.speaker == "girl"


def test_speaks_korean_generates_lines():
    plan = _compile("a man speaks korean to his dog")
    assert plan.sound.dialogue and all(d.language == "ko" for d in plan.sound.dialogue)
    assert any("generated" in n for n in plan.notes)


def test_japanese_anime_style_alone_is_not_speech():
    plan = _compile("a japanese anime of a cat on a beach")
    assert plan.sound.dialogue == []


def test_counts_and_names():
    plan = _compile("three dogs and a cat named Mochi play in a backyard")
    assert next(e for e in plan.entities if e.archetype == "dog").count == 3
    assert next(e for e in plan.entities if e.archetype == "cat").name == "Mochi"
    assert plan.setting.place == "backyard"


def test_negations_turn_things_off():
    plan = _compile("a man jumps, no music, not in slow motion, no grain")
    assert plan.sound.music is False
    assert plan.style.slow_motion is False
    assert plan.style.grain == 0.0


def test_slow_motion_and_style_words():
    plan = _compile("a claymation dog runs in slow motion at sunset in the rain, letterboxed 2.39:1")
    assert plan.style.look == "claymation"
    assert plan.style.slow_motion is True
    assert plan.setting.time_of_day == "golden_hour"
    assert plan.setting.weather == "rain"
    assert plan.style.letterbox is True


def test_makes_the_shot_outcome():
    plan = _compile("a player shoots at the hoop and makes the shot")
    shoot = next(a for a in plan.actions if a.verb == "shoot")
    assert shoot.outcome == "make"


def test_shoot_without_hoop_adds_one():
    plan = _compile("a girl shoots a basketball")
    shoot = next(a for a in plan.actions if a.verb == "shoot")
    assert plan.entity(shoot.target).archetype == "hoop"


def test_unresolved_words_are_listed():
    plan = _compile("a man juggles flaming torches on a beach")
    assert "juggles flaming torches" in plan.unresolved
    assert "a" not in plan.unresolved and "on" not in plan.unresolved


def test_seed_prompts_understood_words_not_unresolved():
    plan = _compile(S.BASKETBALL)
    assert plan.unresolved == []


def test_misspelling_read_as_nearest_word():
    plan = _compile("a man rides a paddelboard on a lake")
    assert any(e.archetype == "paddleboard" for e in plan.entities)
    assert any("paddelboard" in n for n in plan.notes)


def test_compile_is_deterministic():
    for name in ("ASTRONAUT_DOG", "DRAGON", "ANIME_FESTIVAL"):
        a = _compile(getattr(S, name)).to_dict()
        b = _compile(getattr(S, name)).to_dict()
        assert a == b


def test_first_compile_of_a_new_prompt_embeds_only_its_new_words(monkeypatch):
    import reelcast.embeddings
    from reelcast.prompt import semantic

    _compile(S.DRAGON)  # model and vocabulary loaded
    monkeypatch.setattr(semantic, "_WORDS", {})  # forget the words other tests looked up
    seen: list[str] = []
    real = reelcast.embeddings.embed

    def counting(texts):
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(reelcast.embeddings, "embed", counting)
    _compile("a canine and a feline wander through a woodland near the seashore at dusk")
    assert sorted(seen) == ["canine", "feline", "seashore", "woodland"]  # "wander" is in the tables
    seen.clear()
    _compile("a feline and a canine near the woodland")
    assert seen == []  # every word already known: no model call at all


def test_empty_prompt_gives_studio_plan():
    plan = _compile("")
    assert plan.setting.place == "studio" and len(plan.shots) == 1 and plan.entities == []


def test_accessory_is_worn_and_wearer_still_acts():
    plan = _compile("a cartoon cat in a tiny red hat dances on a beach")
    hat = next(e for e in plan.entities if e.archetype == "hat")
    assert hat.attributes == {"size": "tiny", "color": "red", "worn_by": "cat"}
    assert any(a.actor == "cat" and a.verb == "dance" for a in plan.actions)


def test_possessive_owner_is_not_a_compound_modifier():
    plan = _compile("the dog's astronaut helmet opens up")
    assert plan.entity("dog").archetype == "dog"
    assert plan.entity("helmet").attributes["worn_by"] == "dog"


STATION_PARAPHRASE = (
    "An astronaut golden retriever named Sora levitates around an intergalactic pup-themed space station with a tiny "
    "jet pack on its back. The station is filled with tennis balls, which float around in zero gravity."
)


def test_a_dog_at_the_station_in_one_unplaced_shot_gets_an_outside_then_an_inside_shot():
    plan = _compile(STATION_PARAPHRASE)
    assert [(s.indoor, s.start, s.end) for s in plan.shots] == [(False, 0.0, 4.4), (True, 4.4, 8.0)]
    _assert_tiles(plan)
    assert any("flies into the station" in n for n in plan.notes)


def test_a_single_shot_request_at_the_station_stays_one_shot():
    plan = _compile(STATION_PARAPHRASE + " Single shot.")
    assert len(plan.shots) == 1


def test_the_station_without_a_dog_stays_one_shot():
    plan = _compile("tennis balls float around in zero gravity inside an intergalactic space station")
    assert len(plan.shots) == 1


def test_teenagers_are_characters_who_talk():
    plan = _compile("anime style: two sad teenagers talk quietly at a summer festival at night while fireworks burst")
    people = [e for e in plan.entities if e.archetype == "person"]
    assert len(people) == 2
    assert {a.actor for a in plan.actions if a.verb == "talk"} == {p.id for p in people}


def test_balancing_standing_on_horses_then_falling_off_is_the_riders_fall():
    plan = _compile("a stunt rider balances standing on two horses side by side, then falls off hard", 4.0)
    acts = {(a.actor, a.verb): a for a in plan.actions}
    assert acts[("rider", "stand_on")].target == "horse"
    assert acts[("rider", "fall")].attributes.get("off") == "horse"
    assert not any(a.actor == "horse" for a in plan.actions)


def test_a_new_clause_with_its_own_subject_keeps_it():
    plan = _compile("the dog runs, the ball bounces", 4.0)
    assert {(a.actor, a.verb) for a in plan.actions} == {("dog", "run"), ("ball", "bounce")}


def test_a_cat_riding_on_a_skaters_head_sits_on_her_head():
    plan = _compile("a cat rides on the head of a figure skater while she lands a triple axel", 4.0)
    cat = plan.entity("cat")
    assert cat is not None and cat.attributes.get("on") == "skater" and cat.attributes.get("position") == "head"
    assert not any(a.actor == "cat" for a in plan.actions)
    assert "head" not in plan.unresolved


def test_the_thing_caught_is_the_target_not_the_place_it_is_caught_at():
    plan = _compile("a golden retriever catches a ball at the beach", 4.0)
    assert [(a.actor, a.verb, a.target) for a in plan.actions] == [("dog", "grab", "ball")]
    assert plan.setting.place == "beach"


def test_a_kitten_sitting_on_her_shoulder_is_on_the_woman_before_it():
    plan = _compile("a woman spins on the ice with a kitten sitting on her shoulder", 4.0)
    cat = plan.entity("cat")
    assert cat is not None and (cat.attributes.get("on"), cat.attributes.get("position")) == ("woman", "shoulder")
    assert plan.setting.place == "ice_rink"  # "on the ice"


def test_fireworks_without_a_named_place_are_at_the_festival_town():
    plan = _compile("two friends have a conversation in japanese under fireworks, anime style", 6.0)
    assert plan.setting.place == "festival_town"
