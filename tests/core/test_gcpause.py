import gc

import pytest

from klaspoort.core.gcpause import collector_paused


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_collector_is_off_inside_and_back_on_after(collector_on):
    with collector_paused():
        assert gc.isenabled() is False
    assert gc.isenabled() is True


def test_collector_comes_back_when_the_block_raises(collector_on):
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled() is True


def test_nested_blocks_keep_it_off_until_the_outermost_ends(collector_on):
    with collector_paused():
        with collector_paused():
            pass
        assert gc.isenabled() is False
    assert gc.isenabled() is True


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert gc.isenabled() is False
