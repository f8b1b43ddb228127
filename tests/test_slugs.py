from sitegen.slugs import slugify, swedish_key, unique_slugs


def test_old_blog_rule() -> None:
    assert slugify("Åmål sticker ut!") == "amal-sticker-ut"
    assert slugify("Återbesök i Botkyrka") == "aterbesok-i-botkyrka"
    assert slugify("”Juvelen i kronan” – Skaraborgs gemensamma socialjour") == (
        "juvelen-i-kronan-skaraborgs-gemensamma-socialjour")
    assert slugify("  Flera   mellanslag -- och bindestreck ") == "flera-mellanslag-och-bindestreck"


def test_colliding_names_get_distinct_readable_slugs() -> None:
    slugs = unique_slugs(["Habo", "Håbo", "Botkyrka"])
    assert slugs == {"Habo": "habo", "Håbo": "haabo", "Botkyrka": "botkyrka"}


def test_swedish_collation_puts_a_ring_a_umlaut_o_umlaut_after_z() -> None:
    names = ["Östersund", "Ale", "Åmål", "Älmhult", "Zanzibar", "ängelholm", "Öckerö", "Örebro"]
    assert sorted(names, key=swedish_key) == [
        "Ale", "Zanzibar", "Åmål", "Älmhult", "ängelholm", "Öckerö", "Örebro", "Östersund"]


def test_collation_ignores_case_and_keeps_accented_letters_with_their_base() -> None:
    assert sorted(["b", "A", "é", "f"], key=swedish_key) == ["A", "b", "é", "f"]
