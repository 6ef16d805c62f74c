package dev.jwtagent.instrument;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InstrumentationsTest {

    @Test
    void theNamesAreThoseOfEveryInstrumentationInOrder() {
        List<String> fromInstrumentations = new ArrayList<>();
        for (AgentInstrumentation each : Instrumentations.all()) {
            fromInstrumentations.add(each.name());
        }
        assertEquals(fromInstrumentations, new ArrayList<>(Instrumentations.names()));
    }
}
