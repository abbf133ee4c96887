from gan_course.ui.lesson_page import render

render("01_generative_discriminative")
