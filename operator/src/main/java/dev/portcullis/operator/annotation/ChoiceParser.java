package dev.portcullis.operator.annotation;

import java.util.LinkedHashMap;
import java.util.Map;

/** An annotation whose value is one of a fixed set of words, each meaning one value. */
public class ChoiceParser<T> implements AnnotationParser<T> {

    private final String name;
    private final Map<String, T> choices;

    public ChoiceParser(String name, Map<String, T> choices) {
        this.name = name;
        this.choices = new LinkedHashMap<>(choices);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String accepted() {
        return String.join(", ", choices.keySet().stream().map(choice -> "\"" + choice + "\"").toList());
    }

    @Override
    public T parse(String value) {
        if (!choices.containsKey(value)) {
            throw invalid(value);
        }
        return choices.get(value);
    }

    /** Ordered choices: {@code choices("a", A, "b", B)}. */
    @SuppressWarnings("unchecked")
    static <T> Map<String, T> choices(Object... wordsAndValues) {
        Map<String, T> choices = new LinkedHashMap<>();
        for (int i = 0; i < wordsAndValues.length; i += 2) {
            choices.put((String) wordsAndValues[i], (T) wordsAndValues[i + 1]);
        }
        return choices;
    }
}
