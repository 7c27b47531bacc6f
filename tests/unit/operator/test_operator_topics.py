from shop import topology
from shopkeeper.topics import consumed_topics, platform_topics, publishing_contexts


def test_every_consumed_topic_and_group_has_a_dlq_topic() -> None:
    names = {t.name for t in platform_topics(with_dlq=True) if t.purpose == "dlq"}
    for sub in topology.subscriptions():
        assert f"{sub.topic}.{sub.group}.dlq" in names


def test_topics_are_listed_once_and_dlqs_can_be_left_out() -> None:
    with_dlq = [t.name for t in platform_topics(with_dlq=True)]
    assert len(with_dlq) == len(set(with_dlq))
    assert {t.purpose for t in platform_topics(with_dlq=False)} == {"events"}


def test_reports_publishes_nothing_so_it_gets_no_relay() -> None:
    assert "reports" not in publishing_contexts()
    assert "ordering" in publishing_contexts()


def test_consumed_topics_come_from_the_topology() -> None:
    assert consumed_topics("reports") == ("shop.ordering.order",)
